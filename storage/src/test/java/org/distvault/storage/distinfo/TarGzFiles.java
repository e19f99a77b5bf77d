package org.distvault.storage.distinfo;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the regular files of a {@code .tar.gz} straight from the stream, without unpacking.
 *
 * <p>Unpacking the 20,381-file test tarball with {@code tar} into a temp dir and deleting it
 * afterwards cost about two minutes of wall time on a loaded 2-core machine (measured: tar 23 s,
 * JUnit's temp dir cleanup 94 s), against about a second to read it here. The archive holds only
 * regular files with short names, so this reader accepts only that (ustar/GNU headers, type
 * {@code 0}) and fails loudly on anything else rather than guessing.
 */
final class TarGzFiles {
  private static final int BLOCK = 512;

  /** Receives one file of the archive. */
  interface Visitor {
    void file(String name, byte[] content) throws IOException;
  }

  private TarGzFiles() {}

  /** Calls {@code visitor} for every file, in archive order. */
  static void forEach(Path tarGz, Visitor visitor) throws IOException {
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarGz)), 1 << 16)) {
      byte[] header = new byte[BLOCK];
      while (true) {
        if (in.readNBytes(header, 0, BLOCK) != BLOCK) {
          throw new IOException(tarGz + ": truncated before the end-of-archive marker");
        }
        if (isZero(header)) {
          return; // end-of-archive marker
        }
        checkChecksum(tarGz, header);
        String name = text(header, 0, 100);
        String prefix = text(header, 345, 155);
        boolean posix = new String(header, 257, 6, StandardCharsets.US_ASCII).equals("ustar\0");
        if (posix && !prefix.isEmpty()) { // GNU headers use these bytes for other fields
          name = prefix + "/" + name;
        }
        char type = (char) header[156];
        if (type != '0' && type != '\0') {
          throw new IOException(
              tarGz + ": entry '" + name + "' has type '" + type + "', expected a regular file");
        }
        long size = Long.parseLong(text(header, 124, 12).trim(), 8);
        byte[] content = in.readNBytes((int) size);
        if (content.length != size) {
          throw new IOException(tarGz + ": entry '" + name + "' is truncated");
        }
        long padding = (BLOCK - size % BLOCK) % BLOCK;
        in.skipNBytes(padding);
        visitor.file(name, content);
      }
    }
  }

  private static void checkChecksum(Path tarGz, byte[] header) throws IOException {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    }
    long recorded = Long.parseLong(text(header, 148, 8).trim(), 8);
    if (sum != recorded) {
      throw new IOException(tarGz + ": bad tar header checksum");
    }
  }

  /** A NUL-terminated field. */
  private static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}

package org.distvault.prefetch.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An OutputStream that decodes the UTF-8 bytes written to it onto a Writer, so that the byte
 * writers of the prefetch tool (JSON report, manifest lines, progress) can print to picocli's
 * stdout and stderr writers. A character split between two writes is decoded once complete.
 *
 * <p>{@link #close} decodes what is left and flushes, but leaves the writer open: it belongs to
 * the command line. Not thread-safe on its own; wrap it in a {@link java.io.PrintStream}, which
 * locks, when several threads print.
 */
final class WriterOutputStream extends OutputStream {
  private final Writer out;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer bytes = ByteBuffer.allocate(8192);
  private final CharBuffer chars = CharBuffer.allocate(8192);
  private boolean closed;

  WriterOutputStream(Writer out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (len > 0) {
      int n = Math.min(len, bytes.remaining());
      bytes.put(b, off, n);
      off += n;
      len -= n;
      decode(false);
    }
  }

  /** Decodes the buffered bytes; an incomplete character at the end stays buffered unless {@code end}. */
  private void decode(boolean end) throws IOException {
    bytes.flip();
    CoderResult r;
    do {
      r = decoder.decode(bytes, chars, end);
      out.write(chars.array(), 0, chars.position());
      chars.clear();
    } while (r.isOverflow());
    bytes.compact();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    decode(true);
    decoder.flush(chars);
    out.write(chars.array(), 0, chars.position());
    chars.clear();
    closed = true;
    out.flush();
  }
}

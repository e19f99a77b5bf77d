package org.distvault.prefetch.manifest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * A streaming reader of a JSON-lines manifest: one {@link ManifestLine} per non-blank line.
 *
 * <p>A malformed line does not stop the reader: it comes back as {@link ManifestLine.Malformed}
 * naming the line number and the fault (bad JSON, missing or invalid name, bad digest, unknown
 * algorithm, negative size, bad pkgpath, bad URL), and reading goes on; the caller decides
 * whether one error rejects the whole input. {@link #next} judges each line alone; {@link
 * #readRest} also refuses lines that contradict an earlier one ({@link ConflictCheck}). Lines are
 * split on LF, a trailing CR is dropped, blank lines are skipped, and a line longer than {@link
 * #MAX_LINE_BYTES} is an error.
 *
 * <p>Not thread-safe. Closing the reader closes the stream.
 */
public final class ManifestReader implements Closeable {
  /** Longest accepted line; real lines are a few hundred bytes. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private final InputStream in;
  private final LineParser parser = new LineParser();
  private final byte[] chunk = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] buf = new byte[8192];
  private long lineNumber;

  public ManifestReader(InputStream in) {
    this.in = in;
  }

  /** Opens a manifest file. */
  public static ManifestReader open(Path file) throws IOException {
    return new ManifestReader(Files.newInputStream(file));
  }

  /**
   * Reads a whole manifest, keeping every valid entry and the first {@code maxErrors} errors. A
   * line that contradicts an earlier one ({@link ConflictCheck}: same name and PKGPATH, another
   * size or digest) is an error too, naming both lines.
   *
   * @return the entries in input order, the first errors, and the total error count
   */
  public static Manifest readAll(Path file, int maxErrors) throws IOException {
    try (ManifestReader r = open(file)) {
      return r.readRest(maxErrors);
    }
  }

  /** Reads the rest of the input like {@link #readAll(Path, int)}. */
  public Manifest readRest(int maxErrors) throws IOException {
    List<ExpectedDistfile> entries = new ArrayList<>();
    List<ManifestError> errors = new ArrayList<>();
    long errorCount = 0;
    ConflictCheck conflicts = new ConflictCheck();
    for (ManifestLine line = next(); line != null; line = next()) {
      line = conflicts.check(line);
      if (line instanceof ManifestLine.Entry e) {
        entries.add(e.entry());
      } else if (line instanceof ManifestLine.Malformed m) {
        errorCount++;
        if (errors.size() < maxErrors) {
          errors.add(m.error());
        }
      }
    }
    return new Manifest(entries, errors, errorCount);
  }

  /** The next non-blank line, parsed; {@code null} at the end of the input. */
  public ManifestLine next() throws IOException {
    while (true) {
      int len = readLine();
      if (len < 0) {
        return null;
      }
      lineNumber++;
      if (len > MAX_LINE_BYTES) {
        return malformed("line longer than " + MAX_LINE_BYTES + " bytes");
      }
      if (isBlank(len)) {
        continue;
      }
      try {
        return new ManifestLine.Entry(lineNumber, parser.parse(buf, 0, len));
      } catch (LineParser.LineException e) {
        return malformed(e.getMessage());
      }
    }
  }

  /** Number of the last line returned (blank lines count). */
  public long lineNumber() {
    return lineNumber;
  }

  private ManifestLine malformed(String problem) {
    return new ManifestLine.Malformed(lineNumber, new ManifestError(lineNumber, problem));
  }

  /**
   * Reads one line into {@code buf} without its LF (and CR). Returns its length, a value past
   * {@link #MAX_LINE_BYTES} for an over-long line (whose rest is skipped), or -1 at the end.
   */
  private int readLine() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    int len = 0;
    boolean tooLong = false;
    while (true) {
      int start = pos;
      while (pos < limit && chunk[pos] != '\n') {
        pos++;
      }
      int n = pos - start;
      if (!tooLong && len + n > MAX_LINE_BYTES) {
        tooLong = true;
      }
      if (!tooLong) {
        if (len + n > buf.length) {
          buf = Arrays.copyOf(buf, Math.min(Math.max(buf.length * 2, len + n), MAX_LINE_BYTES));
        }
        System.arraycopy(chunk, start, buf, len, n);
        len += n;
      }
      if (pos < limit) {
        pos++; // the LF
        break;
      }
      if (!fill()) {
        break; // last line without a final LF
      }
    }
    if (tooLong) {
      return MAX_LINE_BYTES + 1;
    }
    if (len > 0 && buf[len - 1] == '\r') {
      len--;
    }
    return len;
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk); // blocks until at least one byte or the end (InputStream contract)
    pos = 0;
    limit = Math.max(n, 0);
    return n > 0;
  }

  private boolean isBlank(int len) {
    for (int i = 0; i < len; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

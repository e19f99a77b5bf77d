package org.distvault.prefetch.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress of {@code export} and {@code import}: one stderr line every few seconds (and a
 * last one at the end) with the files and bytes done of those to do, like {@code prefetch}'s plain
 * progress. Thread-safe: with {@code --jobs} the files finish on several threads, and each line
 * counts only whole files.
 */
final class TransferProgress {
  private final PrintWriter err;
  private final String what;
  private final long intervalNanos;
  private final int files;
  private final long bytes;
  private int filesDone;
  private long bytesDone;
  private long last;

  TransferProgress(PrintWriter err, String what, int files, long bytes, long intervalSeconds) {
    this.err = err;
    this.what = what;
    this.files = files;
    this.bytes = bytes;
    this.intervalNanos = intervalSeconds * 1_000_000_000L;
    this.last = System.nanoTime();
  }

  /** One file done (copied, skipped or failed) with {@code n} bytes. */
  synchronized void file(long n) {
    filesDone++;
    bytesDone += n;
    long now = System.nanoTime();
    if (now - last >= intervalNanos) {
      last = now;
      print();
    }
  }

  synchronized void end() {
    print();
  }

  private void print() {
    err.println(what + ": " + filesDone + "/" + files + " files, " + size(bytesDone) + "/" + size(bytes));
    err.flush();
  }

  static String size(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

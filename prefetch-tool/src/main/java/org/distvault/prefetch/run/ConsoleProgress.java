package org.distvault.prefetch.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.distvault.prefetch.deliver.Outcome;

/**
 * Progress on the console: files done/total, bytes, rate, ETA and failures.
 *
 * <p>{@link Style#TERMINAL} redraws one line with a carriage return a few times a second; {@link
 * Style#LINES} prints a plain line every interval, for logs and CI (no {@code \r} there). {@link
 * #forStderr} picks the style from {@code System.console()}. Thread-safe.
 */
public final class ConsoleProgress implements Progress {
  /** How the progress is drawn. */
  public enum Style {
    TERMINAL,
    LINES
  }

  private final PrintStream out;
  private final Style style;
  private final Duration interval;
  private final LongSupplier nanoTime;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile int files;
  private volatile long totalBytes;
  private volatile long startNanos;
  private ScheduledExecutorService timer;
  private int lastWidth;

  public ConsoleProgress(PrintStream out, Style style, Duration interval, LongSupplier nanoTime) {
    this.out = out;
    this.style = style;
    this.interval = interval;
    this.nanoTime = nanoTime;
  }

  /** Terminal style on a console (redrawn every 250 ms), else a plain line every {@code plainInterval}. */
  public static ConsoleProgress forStderr(Duration plainInterval) {
    boolean tty = System.console() != null;
    return new ConsoleProgress(System.err, tty ? Style.TERMINAL : Style.LINES,
        tty ? Duration.ofMillis(250) : plainInterval, System::nanoTime);
  }

  @Override
  public synchronized void start(int files, long bytes) {
    this.files = files;
    this.totalBytes = bytes;
    this.startNanos = nanoTime.getAsLong();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "prefetch-progress");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(50, interval.toMillis());
    timer.scheduleAtFixedRate(this::draw, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void bytes(long n) {
    bytes.addAndGet(n);
  }

  @Override
  public void finished(Outcome outcome) {
    done.incrementAndGet();
    if (outcome.status() == Outcome.Status.FAILED) {
      failed.incrementAndGet();
    }
  }

  @Override
  public synchronized void end() {
    if (timer != null) {
      timer.shutdownNow();
    }
    draw();
    if (style == Style.TERMINAL) {
      out.println();
    }
    out.flush();
  }

  /** The current status line, e.g. {@code 12/340 files, 1.2 GB of 4.5 GB, 35.2 MB/s, ETA 1m32s, 2 failed}. */
  public String line() {
    long got = bytes.get();
    double secs = Math.max(1e-3, (nanoTime.getAsLong() - startNanos) / 1e9);
    double rate = got / secs;
    StringBuilder b = new StringBuilder();
    b.append(done.get()).append('/').append(files).append(" files, ").append(size(got));
    if (totalBytes > 0) {
      b.append(" of ").append(size(totalBytes));
    }
    b.append(", ").append(size((long) rate)).append("/s");
    if (totalBytes > got && rate > 0 && done.get() < files) {
      b.append(", ETA ").append(duration((long) ((totalBytes - got) / rate)));
    }
    b.append(", ").append(failed.get()).append(" failed");
    return b.toString();
  }

  private synchronized void draw() {
    String line = "prefetch: " + line();
    if (style == Style.TERMINAL) {
      int pad = Math.max(0, lastWidth - line.length());
      out.print("\r" + line + " ".repeat(pad));
      lastWidth = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
    }
    return (seconds / 3600) + "h" + String.format(Locale.ROOT, "%02d", (seconds % 3600) / 60) + "m";
  }
}

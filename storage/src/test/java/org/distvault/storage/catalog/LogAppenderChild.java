package org.distvault.storage.catalog;

import org.distvault.storage.record.LogKind;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A child JVM for {@link CatalogCrashTest}: opens the catalog, then appends violations from
 * several threads until it is killed, printing {@code ack <cursor> <payload>} after each append
 * returned (that is, once the entry is durable).
 */
public final class LogAppenderChild {
  private LogAppenderChild() {}

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, false, UTF_8);
    Catalog catalog = Catalog.open(dir);
    synchronized (out) {
      out.println("ready");
      out.flush();
    }
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] = new Thread(() -> {
        // Bounded: the parent kills this process long before.
        for (int i = 0; i < 10_000_000; i++) {
          String payload = "child-t" + id + "-" + i;
          long cursor = catalog.append(LogKind.VIOLATIONS, payload.getBytes(UTF_8));
          synchronized (out) {
            out.println("ack " + cursor + " " + payload);
            out.flush();
          }
        }
      });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    catalog.close();
  }
}

package org.distvault.prefetch.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  private static final ExpectedDistfile E = new ExpectedDistfile(DistfileName.of("x.tgz"), OptionalLong.of(1),
      Digests.empty(), Set.of(), List.of());

  @Test
  void lineShowsFilesBytesRateEtaAndFailures() {
    AtomicLong now = new AtomicLong(0);
    ConsoleProgress p = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), ConsoleProgress.Style.LINES,
        Duration.ofHours(1), now::get);
    p.start(4, 4_000_000_000L);
    p.bytes(1_000_000_000L);
    p.finished(new Outcome(E, Outcome.Status.OK, null, 0, Duration.ZERO, null,
        TestFiles.digests(new byte[0]).get(DigestAlgorithm.SHA512).orElseThrow(), List.of()));
    p.finished(new Outcome(E, Outcome.Status.FAILED, "HTTP 404", 0, Duration.ZERO, null, null, List.of()));
    now.set(10_000_000_000L); // 10 s
    assertEquals("2/4 files, 1.0 GB of 4.0 GB, 100.0 MB/s, ETA 30s, 1 failed", p.line());
    p.end();
  }

  @Test
  void plainLinesHaveNoCarriageReturnsAndTerminalRedrawsOneLine() {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ConsoleProgress lines = new ConsoleProgress(new PrintStream(plain, true, StandardCharsets.UTF_8),
        ConsoleProgress.Style.LINES, Duration.ofHours(1), System::nanoTime);
    lines.start(1, 10);
    lines.end();
    String text = plain.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("\r"));
    assertTrue(text.startsWith("prefetch: 0/1 files, 0 B of 10 B"), text);

    ByteArrayOutputStream tty = new ByteArrayOutputStream();
    ConsoleProgress term = new ConsoleProgress(new PrintStream(tty, true, StandardCharsets.UTF_8),
        ConsoleProgress.Style.TERMINAL, Duration.ofHours(1), System::nanoTime);
    term.start(1, 10);
    term.end();
    String screen = tty.toString(StandardCharsets.UTF_8);
    assertTrue(screen.startsWith("\rprefetch: 0/1 files"), screen);
    assertTrue(screen.endsWith(System.lineSeparator()), screen);
  }

  @Test
  void sizesAndDurationsAreHumanReadable() {
    assertEquals("999 B", ConsoleProgress.size(999));
    assertEquals("1.5 kB", ConsoleProgress.size(1500));
    assertEquals("16.4 GB", ConsoleProgress.size(16_391_211_951L));
    assertEquals("59s", ConsoleProgress.duration(59));
    assertEquals("1m32s", ConsoleProgress.duration(92));
    assertEquals("2h05m", ConsoleProgress.duration(7500));
  }
}

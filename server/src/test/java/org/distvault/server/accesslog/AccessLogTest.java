package org.distvault.server.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The access log's queue and writer: dropping when full, rotation by rename, and close. */
@Timeout(60)
class AccessLogTest {
  @TempDir Path dir;

  @Test
  void fullQueueDropsAndCountsWithoutBlocking() throws IOException {
    Path file = dir.resolve("access.log");
    AccessLog log = new AccessLog(file, 2);
    for (int i = 1; i <= 5; i++) {
      log.add("line " + i);
    }
    assertEquals(3, log.dropped());
    log.startWriter();
    log.close();
    assertEquals(List.of("line 1", "line 2"), Files.readAllLines(file));
    log.add("after close");
    assertEquals(4, log.dropped());
  }

  @Test
  void renamedFileIsLeftAndANewOneStarted() throws Exception {
    Path file = dir.resolve("logs/access.log");
    AccessLog log = AccessLog.start(file);
    log.add("before rotation");
    waitForLines(file, 1);
    Path rotated = dir.resolve("logs/access.log.1");
    Files.move(file, rotated);
    log.add("after rotation");
    log.close();
    assertEquals(List.of("before rotation"), Files.readAllLines(rotated));
    assertEquals(List.of("after rotation"), Files.readAllLines(file));
    assertEquals(0, log.dropped());
  }

  @Test
  void closeWritesEveryQueuedLine() throws IOException {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.start(file);
    for (int i = 0; i < 10_000; i++) {
      log.add("line " + i);
    }
    log.close();
    List<String> lines = Files.readAllLines(file);
    assertEquals(10_000, lines.size());
    assertEquals("line 9999", lines.get(9_999));
    assertEquals(0, log.dropped());
  }

  private static void waitForLines(Path file, int n) throws Exception {
    while (!Files.exists(file) || Files.readAllLines(file).size() < n) {
      Thread.sleep(10);
    }
  }
}

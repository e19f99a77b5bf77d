package org.distvault.server.violation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines copy: appends, and the catch-up after a crash between catalog and file. */
class ViolationLogTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Violation v(long cursor) {
    return new Violation(cursor, Instant.parse("2026-11-22T10:00:00Z").plusSeconds(cursor), ViolationKind.UNKNOWN,
        "/distfiles/f-" + cursor + ".tgz", "f-" + cursor + ".tgz", Optional.empty(), List.of(), SetName.DEFAULT, Optional.of("r1"),
        "10.0.0.7", Optional.of("curl/8"), "GET", "in no manifest");
  }

  /** The catalog's side: violations 1..n. */
  static List<Violation> catalog(int n) {
    List<Violation> all = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      all.add(v(i));
    }
    return all;
  }

  static List<Violation> after(List<Violation> all, long cursor, int limit) {
    return all.stream().filter(x -> x.cursor() > cursor).limit(limit).toList();
  }

  private List<Long> cursorsInFile(ViolationLog log) throws IOException {
    List<Long> out = new ArrayList<>();
    for (String line : Files.readAllLines(log.file(), StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line).path("cursor").asLong());
    }
    return out;
  }

  @Test
  void appendWritesOneJsonObjectPerLine() throws IOException {
    ViolationLog log = ViolationLog.in(dir);
    log.append(v(1));
    log.append(v(2));
    List<String> lines = Files.readAllLines(dir.resolve("log/violations.jsonl"));
    assertEquals(2, lines.size());
    assertEquals("{\"cursor\":1,\"time\":\"2026-11-22T10:00:01Z\",\"kind\":\"unknown\",\"path\":\"/distfiles/f-1.tgz\","
        + "\"name\":\"f-1.tgz\",\"pkgpath\":null,\"pkgpaths\":[],\"set\":\"default\",\"run\":\"r1\",\"client\":\"10.0.0.7\","
        + "\"userAgent\":\"curl/8\",\"method\":\"GET\",\"reason\":\"in no manifest\"}", lines.get(0));
    assertEquals(v(1), ViolationJson.fromBytes(1, lines.get(0).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void catchUpCopiesWhatACrashKeptFromTheFile() throws IOException {
    List<Violation> all = catalog(500);
    ViolationLog log = ViolationLog.in(dir);
    for (Violation x : all.subList(0, 480)) {
      if (x.cursor() != 470) { // in flight when the process died, after a later one got through
        log.append(x);
      }
    }
    // A line cut by the crash.
    Files.writeString(log.file(), "{\"cursor\":481,\"ti", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(log.file(), "\n", java.nio.file.StandardOpenOption.APPEND);
    int copied = log.catchUp(500, c -> after(all, c, 100));
    assertEquals(21, copied);
    List<Long> cursors = cursorsInFileSkippingDamaged(log);
    assertEquals(500, cursors.size());
    assertEquals(500, cursors.stream().distinct().count());
  }

  private List<Long> cursorsInFileSkippingDamaged(ViolationLog log) throws IOException {
    List<Long> out = new ArrayList<>();
    for (String line : Files.readAllLines(log.file(), StandardCharsets.UTF_8)) {
      if (line.endsWith("}")) {
        out.add(JSON.readTree(line).path("cursor").asLong());
      }
    }
    return out;
  }

  @Test
  void completeFileGetsNothing() throws IOException {
    List<Violation> all = catalog(10);
    ViolationLog log = ViolationLog.in(dir);
    for (Violation x : all) {
      log.append(x);
    }
    assertEquals(0, log.catchUp(10, c -> after(all, c, 100)));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), cursorsInFile(log));
  }

  @Test
  void missingFileIsLeftAloneHistoryIsNotCopiedAgain() throws IOException {
    List<Violation> all = catalog(10);
    ViolationLog log = ViolationLog.in(dir);
    assertEquals(0, log.catchUp(10, c -> after(all, c, 100)));
    assertEquals(false, Files.exists(log.file()));
  }

  @Test
  void aRecordedLineIsTheSameAsTheEncodedViolation() throws IOException {
    ViolationLog log = ViolationLog.in(dir);
    Violation x = v(42);
    log.appendRecorded(List.of(entry(42, x)));
    log.append(x);
    List<String> lines = Files.readAllLines(log.file(), StandardCharsets.UTF_8);
    assertEquals(2, lines.size());
    assertEquals(lines.get(1), lines.get(0));
    assertEquals(x, ViolationJson.fromBytes(42, lines.get(0).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void concurrentAppendsWriteEveryLineExactlyOnceAndWhole() throws Exception {
    ViolationLog log = ViolationLog.in(dir);
    int threads = 16;
    int each = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each + 1;
        done.add(pool.submit(() -> {
          for (int c = first; c < first + each; c++) {
            log.appendRecorded(List.of(entry(c, v(c))));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> lines = Files.readAllLines(log.file(), StandardCharsets.UTF_8);
    assertEquals(threads * each, lines.size());
    Set<Long> cursors = new TreeSet<>();
    for (String line : lines) {
      long c = JSON.readTree(line).path("cursor").asLong();
      assertEquals(v(c), ViolationJson.fromBytes(c, line.getBytes(StandardCharsets.UTF_8)), line);
      cursors.add(c);
    }
    assertEquals(threads * each, cursors.size());
  }

  @Test
  void aFileMovedAwayIsCreatedAgainAtTheNextAppend() throws IOException {
    ViolationLog log = ViolationLog.in(dir);
    log.append(v(1));
    Path rotated = dir.resolve("log/violations.jsonl.1");
    Files.move(log.file(), rotated);
    log.append(v(2));
    assertEquals(List.of(1L), cursorsIn(rotated));
    assertEquals(List.of(2L), cursorsInFile(log));
  }

  @Test
  void aLargeGroupIsWrittenWholeInCursorOrder() throws IOException {
    ViolationLog log = ViolationLog.in(dir);
    int n = 10_003;
    List<LogEntry> group = new ArrayList<>();
    for (int c = 1; c <= n; c++) {
      group.add(entry(c, v(c)));
    }
    log.appendRecorded(group);
    List<Long> cursors = cursorsInFile(log);
    assertEquals(n, cursors.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, cursors.get(i));
    }
  }

  @Test
  void aGroupOfRecordedEntriesIsWrittenInCursorOrder() throws IOException {
    ViolationLog log = ViolationLog.in(dir);
    log.appendRecorded(List.of(entry(3, v(3)), entry(1, v(1)), entry(2, v(2))));
    assertEquals(List.of(1L, 2L, 3L), cursorsInFile(log));
  }

  /** The catalog's entry of violation {@code cursor}: its JSON without the cursor. */
  private static LogEntry entry(long cursor, Violation x) {
    return new LogEntry(LogKind.VIOLATIONS, cursor, Instant.EPOCH, ViolationJson.toBytes(x.withCursor(0)));
  }

  private static List<Long> cursorsIn(Path file) throws IOException {
    List<Long> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line).path("cursor").asLong());
    }
    return out;
  }
}

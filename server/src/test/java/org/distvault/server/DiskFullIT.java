package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.distvault.server.health.Health;
import org.distvault.server.health.HealthSettings;
import org.distvault.server.mode.Mode;
import org.distvault.server.testing.SmallFileSystem;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationJson;
import org.distvault.server.violation.ViolationLog;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real server on a real, small tmpfs that is filled up: uploads get 507 with a JSON error,
 * {@code /healthz} and {@code distvault_degraded} say why, offline misses are either recorded
 * (404) or refused with 503 (never a 404 without a record, never a 500), the log gets a line per
 * change of condition rather than per request, and once space is freed everything recovers and
 * {@code violations.jsonl} holds exactly the catalog's violations, also across a restart.
 * Needs root for the mount (skipped otherwise).
 */
class DiskFullIT {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Free space below this is low_space: a few MiB, far below what the filler leaves. */
  static final long MIN_FREE = 4L << 20;
  static final HealthSettings FAST = new HealthSettings(OptionalLong.of(MIN_FREE), Duration.ofMillis(200));
  static final int MISSES = 200;

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger healthLog = (Logger) LoggerFactory.getLogger(Health.class);
  private Level healthLevel;

  @BeforeEach
  void listen() {
    healthLevel = healthLog.getLevel();
    healthLog.setLevel(Level.INFO); // the "recovered" lines are INFO
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    root.detachAppender(logged);
    healthLog.setLevel(healthLevel);
  }

  static TestServer start(Path data, Mode mode, HealthSettings health) throws IOException {
    return TestServer.of(DistvaultServer.start(ServerConfig.defaults(data).withPort(0).withMode(mode), health));
  }

  @Test
  void uploadsToAFullDiskGet507AndHealthSaysWhy() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 64)) {
      try (TestServer s = start(fs.root().resolve("data"), Mode.ONLINE, FAST)) {
        assertEquals("ok", health(s).path("status").asText());
        Path filler = fs.root().resolve("filler");
        fs.fill(filler);
        logged.list.clear();

        byte[] blob = Catalogue.content(7, 1 << 20);
        Response up = upload(s, blob);
        assertEquals(507, up.statusCode(), up.asString());
        JsonNode error = JSON.readTree(up.asString());
        assertTrue(error.path("error").asText().startsWith("insufficient storage: no space left on the data file system"),
            up.asString());
        assertEquals(507, upload(s, blob).statusCode());

        JsonNode h = health(s);
        assertEquals("degraded", h.path("status").asText(), h.toString());
        assertTrue(reasons(h).contains("low_space"), h.toString());
        assertEquals(1.0, metric(s, "distvault_degraded{reason=\"low_space\"}"));
        assertEquals(2.0, metric(s, "distvault_ingest_total{kind=\"blob\",result=\"no_space\"}"));
        assertEquals(2.0, metric(s, "distvault_requests_total{outcome=\"insufficient_storage\",route=\"admin\"}"));
        List<String> whileFull = problems();
        assertTrue(whileFull.size() <= 1, "one line for the condition, none per upload: " + whileFull);

        Files.delete(filler);
        awaitHealthy(s);
        assertEquals(201, upload(s, blob).statusCode());
        assertEquals(0.0, metric(s, "distvault_degraded{reason=\"low_space\"}"));
        assertTrue(lines(Level.INFO, "recovered:").size() >= 1, logged.list.toString());
      }
    }
  }

  @Test
  void offlineMissesOnAFullDiskAreRecordedOrRefusedAndTheFileCatchesUp() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 64)) {
      try (TestServer s = start(fs.root().resolve("data"), Mode.OFFLINE, FAST)) {
        assertEquals(404, miss(s, "before-1.0.tgz")); // the file has a line before the disk fills
        Path filler = fs.root().resolve("filler");
        long filled = fs.fill(filler);
        logged.list.clear();

        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < MISSES; i++) {
          statuses.merge(miss(s, "full-" + i + ".tgz"), 1, Integer::sum);
        }
        assertTrue(onlyRecordedOrRefused(statuses), "every miss is a 404 (recorded) or a 503 (not): " + statuses);
        JsonNode h = health(s);
        assertEquals("degraded", h.path("status").asText(), h.toString());
        List<String> whileFull = problems();
        System.out.printf("disk full: %d MiB tmpfs, filler %d bytes, %d misses: %s; /healthz %s; log lines %s%n",
            fs.size() >> 20, filled, MISSES, statuses, h, whileFull);
        assertTrue(whileFull.size() <= 3, "a line per condition, not per request: " + whileFull);

        Files.delete(filler);
        // Space is back, but RocksDB does not take writes again after a failed log write until the
        // catalog is reopened: /healthz says so (past RocksDB's own 5 s recovery poll, twice over).
        JsonNode stuck = awaitHealth(s, hh -> !reasons(hh).contains("low_space"), Duration.ofSeconds(30));
        Thread.sleep(12_000);
        stuck = health(s);
        assertEquals(List.of("catalog_write_failing"), reasons(stuck), stuck.toString());
        assertTrue(stuck.path("reasons").get(0).path("detail").asText().contains("restart distvault"), stuck.toString());
        assertEquals(503, miss(s, "still-stuck.tgz"));
        long recorded = s.server.violations().lastCursor();
        assertEquals(1 + statuses.getOrDefault(404, 0), recorded);
        System.out.printf("after freeing: %s; log lines %s%n", stuck, problems());
        closeReporting(s);

        try (TestServer again = start(fs.root().resolve("data"), Mode.OFFLINE, FAST)) {
          assertEquals("ok", health(again).path("status").asText());
          assertEquals(recorded, again.server.violations().lastCursor());
          assertFileEqualsCatalog(again.server.vault(), again.server.violations());
          assertEquals(404, miss(again, "after-1.0.tgz"));
          assertFileEqualsCatalog(again.server.vault(), again.server.violations());
          for (String reason : List.of("low_space", "catalog_write_failing", "violations_file_behind")) {
            assertEquals(0.0, metric(again, "distvault_degraded{reason=\"" + reason + "\"}"), reason);
          }
        }
      }
    }
  }

  @Test
  void violationsTheFileMissedReachItAtTheNextStart() throws Exception {
    // 128 MiB: room for RocksDB's preallocated log (about 70 MB), so the catalog goes on taking
    // violations on the full disk while their file cannot be written.
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 128)) {
      Path data = fs.root().resolve("data");
      Path filler = fs.root().resolve("filler");
      long recorded;
      TestServer s = start(data, Mode.OFFLINE, FAST);
      try {
        fs.fill(filler);
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < MISSES; i++) {
          statuses.merge(miss(s, "full-" + i + ".tgz"), 1, Integer::sum);
        }
        recorded = s.server.violations().lastCursor();
        JsonNode h = awaitHealth(s, hh -> reasons(hh).contains("violations_file_behind"), Duration.ofSeconds(10));
        System.out.printf("restart case: %d MiB tmpfs, %d misses: %s, %d recorded; /healthz %s; log lines %s%n",
            fs.size() >> 20, MISSES, statuses, recorded, h, problems());
        assertEquals(Map.of(404, MISSES), statuses);
        assertEquals(MISSES, recorded);
        Path file = ViolationLog.in(data).file();
        assertTrue(!Files.exists(file) || Files.size(file) == 0, "nothing reached " + file);
      } finally {
        closeReporting(s);
      }
      Files.delete(filler);
      // A long interval: whatever the file gets here, start-up itself copied it.
      try (TestServer again = start(data, Mode.OFFLINE, new HealthSettings(OptionalLong.of(MIN_FREE), Duration.ofHours(1)))) {
        assertEquals(recorded, again.server.violations().lastCursor());
        assertFileEqualsCatalog(again.server.vault(), again.server.violations());
        assertEquals("ok", health(again).path("status").asText());
      }
    }
  }

  /** Stops the server; on a disk that was full, RocksDB may report an error while closing. */
  private static void closeReporting(TestServer s) {
    try {
      s.close();
    } catch (IOException | RuntimeException e) {
      System.out.println("closing after the full disk: " + e);
    }
  }

  private static boolean onlyRecordedOrRefused(Map<Integer, Integer> statuses) {
    return statuses.keySet().stream().allMatch(c -> c == 404 || c == 503);
  }

  /** The file holds each catalog violation once, in cursor order, as the catalog has it. */
  static void assertFileEqualsCatalog(Vault vault, ViolationRecorder violations) throws IOException {
    List<String> expected = new ArrayList<>();
    long after = 0;
    for (int pages = 0; pages < 1000; pages++) {
      List<Violation> page = violations.read(after, Vault.MAX_PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (Violation v : page) {
        expected.add(new String(ViolationJson.toBytes(v), StandardCharsets.UTF_8));
        after = v.cursor();
      }
    }
    Path file = ViolationLog.in(vault.dataDir()).file();
    List<String> actual = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    assertEquals(expected.size(), actual.size(), "lines in " + file + " against violations in the catalog");
    assertEquals(expected, actual);
  }

  /** WARN and ERROR lines (and any with a stack trace) logged since the last clear, but violations' own. */
  private List<String> problems() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logged.list)) {
      assertNull(e.getThrowableProxy(), "no stack trace: " + e.getFormattedMessage());
      boolean violationLine = e.getLoggerName().equals(ViolationRecorder.class.getName())
          && e.getFormattedMessage().startsWith("violation ");
      if (e.getLevel().isGreaterOrEqual(Level.WARN) && !violationLine) {
        out.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
      }
    }
    return out;
  }

  private List<String> lines(Level level, String start) {
    return List.copyOf(logged.list).stream().filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(start)).toList();
  }

  static int miss(TestServer s, String name) {
    return s.http().get("/distfiles/" + name).statusCode();
  }

  static Response upload(TestServer s, byte[] blob) {
    return s.admin().body(blob).put("/api/v1/blobs/sha512/" + Catalogue.sha512Hex(blob));
  }

  static JsonNode health(TestServer s) throws IOException {
    Response r = s.http().get("/healthz");
    assertEquals(200, r.statusCode(), r.asString());
    return JSON.readTree(r.asString());
  }

  static List<String> reasons(JsonNode health) {
    List<String> out = new ArrayList<>();
    health.path("reasons").forEach(r -> out.add(r.path("reason").asText()));
    return out;
  }

  /** The value of one series in the scrape, NaN when it is absent. */
  static double metric(TestServer s, String series) {
    for (String line : s.http().get("/metrics").asString().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).strip());
      }
    }
    return Double.NaN;
  }

  /** Waits (at most 60 s) for {@code /healthz} to say ok again. */
  static void awaitHealthy(TestServer s) throws Exception {
    awaitHealth(s, h -> h.path("status").asText().equals("ok"), Duration.ofSeconds(60));
  }

  static JsonNode awaitHealth(TestServer s, Predicate<JsonNode> wanted, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    JsonNode h = health(s);
    while (!wanted.test(h)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("/healthz still says " + h + " after " + limit.toSeconds() + " s");
      }
      Thread.sleep(100);
      h = health(s);
    }
    return h;
  }
}

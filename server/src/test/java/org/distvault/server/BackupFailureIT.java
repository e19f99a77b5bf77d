package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.distvault.server.testing.SmallFileSystem;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.vault.BackupReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup into a real tmpfs too small for it: the copy of the blobs fails part-way for want of
 * space, the answer names the cause, what the backup wrote is gone (the directories it created
 * too, or the content of the empty directory it was given), the store is as it was and no backup
 * is recorded. Then a backup that succeeds is recorded in the catalog and in {@code
 * distvault_last_backup_timestamp_seconds}, also after a restart.
 */
@Timeout(120)
class BackupFailureIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long BLOB = 3L << 20;

  @TempDir Path data;
  @TempDir Path tmp;

  @Test
  void aBackupThatRunsOutOfSpaceLeavesNothingAndTheStoreUntouched() throws Exception {
    Path small = tmp.resolve("small");
    Instant at;
    try (TestServer s = TestServer.start(data);
        SmallFileSystem fs = SmallFileSystem.mount(small, 4)) {
      for (int i = 0; i < 3; i++) {
        try (InputStream in = TestContent.stream(40 + i, BLOB)) {
          s.server.vault().ingest(in, Expectation.of(BLOB, TestContent.streamDigests(40 + i, BLOB)));
        }
      }
      Map<String, String> before = store();

      // A target the backup creates, two levels deep: both levels go again.
      Path nested = small.resolve("backups").resolve("monday");
      Response deep = backup(s, nested);
      assertEquals(507, deep.statusCode(), deep.asString());
      String error = JSON.readTree(deep.asString()).path("error").asText();
      assertTrue(error.startsWith("backup into " + nested + " failed: "), error);
      assertTrue(error.contains("No space left on device"), error);
      assertTrue(error.endsWith("the partial backup was removed (" + small.resolve("backups") + ")"), error);
      assertEquals(Map.of(), tree(small), "nothing left on the small file system");

      // The empty directory given: emptied again, kept.
      Response given = backup(s, small);
      assertEquals(507, given.statusCode(), given.asString());
      assertTrue(given.asString().contains("(" + small + " is empty again)"), given.asString());
      assertTrue(Files.isDirectory(small));
      assertEquals(Map.of(), tree(small));

      assertEquals(before, store(), "the store's blob files, seal listings and state are as they were");
      assertEquals(3, s.server.vault().stats().blobs());
      assertTrue(s.server.vault().lastBackup().isEmpty(), "no backup recorded");
      assertEquals("0.0", metric(s));

      Path good = tmp.resolve("good");
      Response ok = backup(s, good);
      assertEquals(200, ok.statusCode(), ok.asString());
      JsonNode manifest = JSON.readTree(ok.asString());
      at = Instant.parse(manifest.path("time").asText());
      BackupReport.Last last = s.server.vault().lastBackup().orElseThrow();
      assertEquals(new BackupReport.Last(at, good, 3), last);
      assertEquals((double) at.getEpochSecond() + "", metric(s));
    }
    try (TestServer again = TestServer.start(data)) {
      assertEquals((double) at.getEpochSecond() + "", metric(again), "kept across restarts");
    }
  }

  private static Response backup(TestServer s, Path to) {
    return s.admin().contentType("application/json").body("{\"to\":\"" + to + "\"}").post("/api/v1/backup");
  }

  private static String metric(TestServer s) {
    for (String line : s.http().get("/metrics").asString().split("\n")) {
      if (line.startsWith("distvault_last_backup_timestamp_seconds ")) {
        return line.substring(line.indexOf(' ') + 1);
      }
    }
    throw new AssertionError("no distvault_last_backup_timestamp_seconds");
  }

  /** The store's files that a backup must not touch: blobs, seal listings, the state file. */
  private Map<String, String> store() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String part : new String[] {"blobs", "seals", "store.state"}) {
      out.putAll(tree(data.resolve(part)));
    }
    return out;
  }

  /** Each regular file under {@code root}: its size, modification time and permissions. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f) + " "
            + Files.getPosixFilePermissions(f));
      }
    }
    return out;
  }
}

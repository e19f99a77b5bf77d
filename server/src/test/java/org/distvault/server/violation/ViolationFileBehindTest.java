package org.distvault.server.violation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distvault.server.health.Condition;
import org.distvault.server.health.Health;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON-lines file when it cannot be written: the catalog still records every violation, the
 * file is marked behind, and it is completed in cursor order, without a line twice, once it can be
 * written again: by the health monitor's {@code completeFile} while running, or at the next start
 * even when the file is missing. A plain file where {@code DATA/log/} should be stands in for a
 * full disk here (DiskFullIT fills a real one).
 */
class ViolationFileBehindTest {
  @TempDir Path dir;

  /** Puts a plain file where the log directory goes, so every write to the file fails. */
  private static Path block(Vault vault) throws IOException {
    Path logDir = vault.dataDir().resolve("log");
    Files.writeString(logDir, "not a directory\n");
    return logDir;
  }

  private static List<Long> cursorsInFile(Vault vault) throws IOException {
    List<Long> out = new ArrayList<>();
    for (String line : Files.readAllLines(ViolationLog.in(vault.dataDir()).file(), StandardCharsets.UTF_8)) {
      out.add(ViolationJson.cursorOf(line));
    }
    return out;
  }

  @Test
  void aFileThatCannotBeWrittenIsCompletedInOrderOnceItCan() throws IOException {
    try (Vault vault = Vault.open(dir.resolve("data"))) {
      Path blocker = block(vault);
      Health health = new Health();
      ViolationRecorder recorder = new ViolationRecorder(vault, ViolationLog.in(vault.dataDir()), k -> { }, health);
      assertEquals(1, recorder.record(ViolationRecorderTest.miss(1)).cursor());
      assertEquals(2, recorder.record(ViolationRecorderTest.miss(2)).cursor());
      assertTrue(recorder.fileBehind());
      assertTrue(health.holds(Condition.VIOLATIONS_FILE_BEHIND), health.reasons().toString());
      assertTrue(health.reasons().get(Condition.VIOLATIONS_FILE_BEHIND).startsWith("violations after cursor 0 "),
          health.reasons().toString());

      assertEquals(0, recorder.completeFile()); // still blocked
      assertTrue(recorder.fileBehind());

      Files.delete(blocker);
      recorder.record(ViolationRecorderTest.miss(3)); // behind: waits for the older ones
      assertFalse(Files.exists(ViolationLog.in(vault.dataDir()).file()));
      assertEquals(3, recorder.completeFile());
      assertFalse(recorder.fileBehind());
      assertFalse(health.degraded());
      assertEquals(List.of(1L, 2L, 3L), cursorsInFile(vault));

      recorder.record(ViolationRecorderTest.miss(4)); // up to date: written at once again
      assertEquals(0, recorder.completeFile());
      assertEquals(List.of(1L, 2L, 3L, 4L), cursorsInFile(vault));
    }
  }

  @Test
  void aRestartCompletesAMissingFileThatHadFallenBehind() throws IOException {
    Path data = dir.resolve("data");
    try (Vault vault = Vault.open(data)) {
      block(vault);
      ViolationRecorder recorder = new ViolationRecorder(vault, ViolationLog.in(vault.dataDir()), k -> { });
      recorder.record(ViolationRecorderTest.miss(1));
      recorder.record(ViolationRecorderTest.miss(2));
      assertEquals(0, recorder.completeFile()); // fails again, but stores where the file stopped
    }
    Files.delete(data.resolve("log"));
    try (Vault vault = Vault.open(data)) {
      ViolationRecorder recorder = new ViolationRecorder(vault, ViolationLog.in(vault.dataDir()), k -> { });
      assertEquals(2, recorder.catchUpFile());
      assertEquals(List.of(1L, 2L), cursorsInFile(vault));
      assertFalse(recorder.fileBehind());
    }
    // Complete now: a later rotation (the file moved away) is respected, nothing is copied again.
    Files.delete(ViolationLog.in(data).file());
    try (Vault vault = Vault.open(data)) {
      ViolationRecorder recorder = new ViolationRecorder(vault, ViolationLog.in(vault.dataDir()), k -> { });
      assertEquals(0, recorder.catchUpFile());
      assertFalse(Files.exists(ViolationLog.in(data).file()));
    }
  }
}

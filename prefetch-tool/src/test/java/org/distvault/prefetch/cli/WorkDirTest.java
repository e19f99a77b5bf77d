package org.distvault.prefetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prefetch run's work directory on a real file system. */
class WorkDirTest {
  @TempDir Path tmp;

  @Test
  void temporaryDirectoryIsRemovedWithItsTreeButNotWhatALinkPointsTo() throws Exception {
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
    Path path;
    try (WorkDir work = WorkDir.open(null)) {
      path = work.path();
      Files.writeString(Files.createDirectories(path.resolve("spool/a/b")).resolve("part"), "x".repeat(1000));
      Files.createSymbolicLink(path.resolve("spool/link"), tmp);
      Files.createSymbolicLink(path.resolve("spool/file-link"), outside);
    }
    assertFalse(Files.exists(path), path + " is left");
    assertEquals("keep me", Files.readString(outside));
  }

  @Test
  void givenDirectoryIsCreatedAndKept() throws IOException, CliException {
    Path dir = tmp.resolve("work/here");
    try (WorkDir work = WorkDir.open(dir)) {
      Files.writeString(work.path().resolve("lock"), "");
    }
    assertTrue(Files.isRegularFile(dir.resolve("lock")));
  }
}

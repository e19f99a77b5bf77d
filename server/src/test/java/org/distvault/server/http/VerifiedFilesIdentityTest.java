package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file's identity read through the JDK's accessors is the one read by attribute name, and sees writes. */
class VerifiedFilesIdentityTest {
  @TempDir Path dir;

  @Test
  void theTestsReadTheIdentityDirectlyAsTheJarDoes() {
    // The surefire argLine opens sun.nio.fs as the jar's manifest does: this run tests that path.
    assertTrue(VerifiedFiles.direct(), "sun.nio.fs is not opened to the tests");
  }

  @Test
  void directAndByNameGiveTheSameIdentity() throws IOException {
    Path file = Files.write(dir.resolve("a"), new byte[12_345]);
    VerifiedFiles.Identity direct = VerifiedFiles.identify(file);
    assertEquals(VerifiedFiles.identifyByName(file), direct);
    assertEquals(12_345L, direct.size());
    assertEquals(Files.getAttribute(file, "unix:ino"), direct.inode());
    assertEquals(Files.getAttribute(file, "unix:dev"), direct.device());
  }

  @Test
  void aByteFlippedWithTheModificationTimePutBackChangesTheIdentity() throws IOException, InterruptedException {
    Path file = Files.write(dir.resolve("b"), new byte[4096]);
    FileTime modified = Files.getLastModifiedTime(file);
    VerifiedFiles.Identity before = VerifiedFiles.identify(file);
    Thread.sleep(20); // the change time must be able to move (file systems keep at least ms)
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1}), 100);
    }
    Files.setLastModifiedTime(file, modified);
    VerifiedFiles.Identity after = VerifiedFiles.identify(file);
    assertEquals(before.modified(), after.modified());
    assertEquals(before.size(), after.size());
    assertNotEquals(before, after, "only the change time tells the write, and it must");
    assertEquals(VerifiedFiles.identifyByName(file), after);
  }
}

package org.distvault.server.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.distvault.server.testing.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JDK really throws on a full file system is recognised; other failures are not. */
class NoSpaceTest {
  @TempDir Path dir;

  @Test
  void aWriteToAFullTmpfsIsNoSpace() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 1)) {
      fs.fill(fs.root().resolve("filler"));
      IOException full = assertThrows(IOException.class, () -> {
        try (FileChannel ch = FileChannel.open(fs.root().resolve("more"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.allocate(64 * 1024));
        }
      });
      assertTrue(NoSpace.in(full), full.toString());
      assertTrue(NoSpace.in(new RuntimeException("wrapped", new UncheckedIOException(full))));
    }
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(NoSpace.in(new IOException("Permission denied")));
    assertFalse(NoSpace.in(new IllegalStateException((String) null)));
    assertTrue(NoSpace.in(new RuntimeException(
        "catalog /d/index: write failed: org.rocksdb.RocksDBException: IO error: No space left on device: "
            + "While appending to file: /d/index/000008.log: No space left on device")));
    assertTrue(NoSpace.in(new IOException("Disk quota exceeded")));
  }
}

package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distvault.server.DistvaultServer;
import org.distvault.server.ServerConfig;
import org.distvault.server.mode.Mode;
import org.distvault.storage.blob.StoreRecovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} on a store whose catalog was lost: exit 1 with one line saying what to do; nothing changed. */
class ServeDamagedStoreTest {
  @TempDir Path dir;

  @Test
  void serveOnASealedStoreWithoutItsCatalogExitsOneAndChangesNothing() throws IOException {
    Path data = dir.resolve("data");
    try (DistvaultServer s = DistvaultServer.start(ServerConfig.defaults(data).withPort(0).withMode(Mode.OFFLINE))) {
      assertTrue(s.vault().sealed().isPresent());
    }
    StoreRecovery.deleteTree(data.resolve("index"));
    CliRun r = CliRun.of("serve", "--data", data.toString(), "--listen", "127.0.0.1:0");
    assertEquals(1, r.code(), r.toString());
    String line = r.err().strip();
    assertFalse(line.contains("\n"), "one line: " + r);
    assertTrue(line.contains("the catalog " + data.resolve("index") + " is missing"), r.toString());
    assertTrue(line.contains("--recover"), r.toString());
    assertFalse(Files.exists(data.resolve("index")), "refusing created no new catalog");
  }
}

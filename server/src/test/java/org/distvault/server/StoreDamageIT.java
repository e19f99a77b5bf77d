package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.distvault.server.mode.Mode;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.record.Seal;
import org.distvault.storage.vault.StoreDamagedException;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed store whose catalog is lost or damaged never comes up online: each damage case either
 * refuses to start ({@link StoreDamagedException}, which {@code serve} turns into exit 1) or comes
 * up sealed with its seal intact, and {@code --recover} ({@link Vault.Start#RECOVER}) brings every
 * case back sealed, with the same digest, serving the same bytes. Real RocksDB files, damaged on
 * disk as a crash, a bad disk or a careless hand would.
 */
class StoreDamageIT {
  @TempDir Path tmp;
  private Path original;
  private Seal seal;
  private final byte[] a = Catalogue.content(31, 40_000);
  private final byte[] b = Catalogue.content(32, 300_000);

  /** A sealed store: two names bound, one violation recorded, then a clean stop. */
  @BeforeEach
  void sealedStore() throws IOException {
    original = tmp.resolve("original");
    try (TestServer s = TestServer.start(original, Mode.ONLINE)) {
      s.catalogue().present("a-1.0.tar.gz", "devel/a", a);
      s.catalogue().present("b-2.0.tar.gz", "devel/b", b);
      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);
      assertEquals(404, s.http().get("/pkg/devel/c/c-1.0.tar.gz").statusCode()); // one violation
      seal = s.server.vault().sealed().orElseThrow();
    }
    assertEquals(2, seal.entries());
  }

  /** The damage cases: each names itself and damages a copy of the store. */
  private record Damage(String name, Action action) {}

  @FunctionalInterface
  private interface Action {
    void apply(Path index) throws IOException;
  }

  private List<Damage> damages() throws IOException {
    List<Damage> out = new ArrayList<>();
    out.add(new Damage("index removed", index -> deleteTree(index)));
    out.add(new Damage("CURRENT removed", index -> Files.delete(index.resolve("CURRENT"))));
    out.add(new Damage("CURRENT garbage", index -> Files.writeString(index.resolve("CURRENT"), "MANIFEST-999999\n")));
    for (int percent : new int[] {0, 10, 50, 90}) {
      out.add(new Damage("MANIFEST truncated to " + percent + "%", index -> truncate(only(index, "MANIFEST-"), percent)));
    }
    for (int percent : new int[] {0, 50}) {
      out.add(new Damage("SST truncated to " + percent + "%", index -> truncate(only(index, ".sst"), percent)));
    }
    return out;
  }

  @Test
  void everyDamageRefusesToStartOrComesUpSealedNeverOnline() throws IOException {
    List<String> outcomes = new ArrayList<>();
    int refused = 0;
    for (Damage d : damages()) {
      Path copy = copyOfStore(d.name());
      d.action().apply(copy.resolve("index"));
      try (TestServer s = TestServer.start(copy)) {
        assertEquals(Mode.OFFLINE, s.server.modes().current(), d.name() + ": came up online");
        assertEquals(seal.digest(), s.server.modes().lastSeal().orElseThrow().digest(), d.name());
        outcomes.add(d.name() + ": sealed");
      } catch (StoreDamagedException e) {
        assertTrue(e.getMessage().contains("--recover"), d.name() + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        outcomes.add(d.name() + ": refused");
        refused++;
      }
    }
    assertEquals(9, outcomes.size(), String.join("\n", outcomes));
    System.out.println("damage cases on a sealed store:\n  " + String.join("\n  ", outcomes));
    assertTrue(refused >= 5, "index removed, CURRENT removed or garbage, MANIFEST emptied are refused:\n"
        + String.join("\n", outcomes));
  }

  @Test
  void recoveryBringsEveryDamagedStoreBackSealedWithTheSameDigestAndBytes() throws IOException {
    for (Damage d : damages()) {
      Path copy = copyOfStore(d.name() + " recovered");
      d.action().apply(copy.resolve("index"));
      try (Vault v = Vault.open(copy, BlobStoreOptions.defaults(), Vault.Start.RECOVER)) {
        assertFalse(v.recovery().rebuilt().isEmpty(), d.name());
        assertTrue(v.recovery().rebuilt().stream().anyMatch(l -> l.contains("digest intact (" + seal.digest() + ")")),
            d.name() + ": " + v.recovery().rebuilt());
      }
      try (TestServer s = TestServer.start(copy)) {
        assertEquals(Mode.OFFLINE, s.server.modes().current(), d.name());
        assertEquals(seal.digest(), s.server.vault().sealed().orElseThrow().digest(), d.name());
        assertArrayEquals(a, s.http().get("/distfiles/a-1.0.tar.gz").asByteArray(), d.name());
        assertArrayEquals(b, s.http().get("/distfiles/b-2.0.tar.gz").asByteArray(), d.name());
        assertEquals(1, s.server.violations().read(0, 10).size(), d.name() + ": the violation came back");
        assertEquals(404, s.http().get("/pkg/devel/c/c-1.0.tar.gz").statusCode());
        assertEquals(2, s.server.violations().lastCursor(), d.name() + ": new violations go on after it");
      }
    }
  }

  @Test
  void aRolledBackCatalogIsRefused() throws IOException {
    // A copy of the catalog from before the store was sealed, put back by hand.
    Path copy = copyOfStore("rolled back");
    Path early = tmp.resolve("early");
    try (TestServer s = TestServer.start(early, Mode.ONLINE)) {
      s.catalogue().present("a-1.0.tar.gz", "devel/a", a);
    }
    deleteTree(copy.resolve("index"));
    copyTree(early.resolve("index"), copy.resolve("index"));
    try (TestServer s = TestServer.start(copy)) {
      fail("started on another store's catalog, mode " + s.server.modes().current());
    } catch (StoreDamagedException e) {
      assertTrue(e.getMessage().contains("is not the catalog of store"), e.getMessage());
    }
  }

  @Test
  void aStoreWithBlobsButNoCatalogAndNoStateFileIsRefused() throws IOException {
    Path copy = copyOfStore("no state");
    Files.delete(copy.resolve("store.state"));
    deleteTree(copy.resolve("index"));
    try (TestServer s = TestServer.start(copy)) {
      fail("started as a new store, mode " + s.server.modes().current());
    } catch (StoreDamagedException e) {
      assertTrue(e.getMessage().contains("holds blobs"), e.getMessage());
    }
  }

  @Test
  void theStateFileRecordsTheSealOutsideTheCatalog() throws IOException {
    String state = Files.readString(original.resolve("store.state"), StandardCharsets.UTF_8);
    assertTrue(state.contains("\"sealed\" : true"), state);
    assertTrue(state.contains(seal.digest()), state);
    assertTrue(Files.exists(original.resolve("seals").resolve(seal.digest().substring(7) + ".tsv")));
  }

  private Path copyOfStore(String name) throws IOException {
    Path copy = tmp.resolve(name.replaceAll("[^A-Za-z0-9]+", "-"));
    copyTree(original, copy);
    return copy;
  }

  private static Path only(Path index, String part) throws IOException {
    try (Stream<Path> files = Files.list(index)) {
      List<Path> found = files.filter(p -> p.getFileName().toString().contains(part)).sorted().toList();
      if (found.isEmpty()) {
        throw new IllegalStateException("no " + part + " file in " + index);
      }
      return found.get(found.size() - 1);
    }
  }

  private static void truncate(Path file, int percent) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() * percent / 100);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir)));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (!file.getFileName().toString().equals("LOCK") && !file.getFileName().toString().equals(".lock")) {
          Files.copy(file, to.resolve(from.relativize(file)));
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteTree(Path dir) throws IOException {
    org.distvault.storage.blob.StoreRecovery.deleteTree(dir);
  }
}

package org.distvault.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The storage boundary, as the code has it: the server and the prefetch tool use storage only
 * through the vault and its value types, never the RocksDB catalog, and only the catalog package
 * imports RocksDB.
 */
class StorageBoundaryTest {
  private final Path root = OpsPaths.ops().getParent().toAbsolutePath().normalize();

  /** Main source files under {@code module} whose text contains {@code needle}, relative to the root. */
  private List<String> mainFilesMentioning(String module, String needle) throws IOException {
    Path main = root.resolve(module).resolve("src/main/java");
    assertTrue(Files.isDirectory(main), main + " exists");
    try (Stream<Path> files = Files.walk(main)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            try {
              return Files.readString(p).contains(needle);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void noMainClassOutsideStorageUsesTheCatalogPackage() throws IOException {
    assertEquals(List.of(), mainFilesMentioning("server", "org.distvault.storage.catalog"));
    assertEquals(List.of(), mainFilesMentioning("prefetch-tool", "org.distvault.storage.catalog"));
  }

  @Test
  void onlyTheCatalogPackageImportsRocksDb() throws IOException {
    assertEquals(List.of(), mainFilesMentioning("server", "org.rocksdb"));
    assertEquals(List.of(), mainFilesMentioning("prefetch-tool", "org.rocksdb"));
    List<String> storage = mainFilesMentioning("storage", "import org.rocksdb");
    assertTrue(!storage.isEmpty(), "the catalog imports RocksDB");
    for (String file : storage) {
      assertTrue(file.startsWith("storage/src/main/java/org/distvault/storage/catalog/"), file);
    }
  }

  @Test
  void theCheckIsAbleToFindAnImport() throws IOException {
    // The catalog's own package mentions itself: the walk does read the files.
    assertTrue(mainFilesMentioning("storage", "package org.distvault.storage.catalog;").size() > 5);
  }
}

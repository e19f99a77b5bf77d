package org.distvault.storage.catalog;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** For tests of one catalog: opened in a new temporary directory before each test, closed after. */
abstract class OpenCatalogTest {
  @TempDir Path data;
  Catalog catalog;

  @BeforeEach
  void open() {
    catalog = Catalog.open(data.resolve("index"));
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  /** Closes the catalog and opens it again from disk, as a restart would. */
  void reopen() {
    catalog.close();
    catalog = Catalog.open(data.resolve("index"));
  }
}

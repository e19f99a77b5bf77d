package org.distvault.storage.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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

  /** Submits from a pool thread and waits until the write is queued behind one the committer holds. */
  <R> Future<R> queue(ExecutorService pool, GroupCommitter.Write<R> write) throws InterruptedException {
    int before = catalog.committer().queued();
    Future<R> f = pool.submit(() -> catalog.committer().submit(write));
    for (int i = 0; i < 3000 && catalog.committer().queued() == before; i++) {
      Thread.sleep(10);
    }
    assertEquals(before + 1, catalog.committer().queued(), "write queued");
    return f;
  }
}

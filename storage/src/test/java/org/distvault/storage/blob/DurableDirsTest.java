package org.distvault.storage.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DurableDirs} with real directories and real directory fsyncs, recorded as they
 * complete.
 */
class DurableDirsTest {
  @TempDir Path data;

  @Test
  void theChainAboveABucketIsSyncedOnlyTheFirstTime() throws IOException {
    Path root = data.resolve("blobs/sha512");
    List<Path> synced = Collections.synchronizedList(new ArrayList<>());
    DurableDirs dirs = new DurableDirs(root, dir -> {
      Fsync.directory(dir);
      synced.add(root.relativize(dir));
    });
    Files.createDirectories(root.resolve("ab/cd"));
    Files.createDirectories(root.resolve("ab/ef"));

    dirs.renamedInto(root.resolve("ab/cd"));
    assertEquals(List.of(Path.of("ab/cd"), Path.of("ab"), Path.of("")), synced);

    synced.clear();
    dirs.renamedInto(root.resolve("ab/cd"));
    assertEquals(List.of(Path.of("ab/cd")), synced);

    synced.clear();
    dirs.renamedInto(root.resolve("ab/ef"));
    assertEquals(List.of(Path.of("ab/ef"), Path.of("ab")), synced);
  }

  @Test
  void aDirectoryOutsideTheRootIsRefused() throws IOException {
    Path root = data.resolve("blobs/sha512");
    Files.createDirectories(root);
    Files.createDirectories(data.resolve("elsewhere"));
    DurableDirs dirs = new DurableDirs(root, Fsync::directory);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dirs.renamedInto(data.resolve("elsewhere")));
    assertEquals(data.resolve("elsewhere") + " is not under the blob root " + root, e.getMessage());
  }

  /**
   * Many threads publish into few new buckets at once: whenever a call returns, the fsync of its
   * bucket and of every directory above it has completed, whichever thread did it.
   */
  @Test
  void concurrentPublishersNeverReturnBeforeTheirChainIsDurable() throws Exception {
    Path root = data.resolve("blobs/sha512");
    List<Path> buckets = new ArrayList<>();
    for (String top : List.of("00", "7f", "ff")) {
      for (String leaf : List.of("01", "02", "03", "04")) {
        buckets.add(Files.createDirectories(root.resolve(top).resolve(leaf)));
      }
    }
    Set<Path> completed = ConcurrentHashMap.newKeySet();
    DurableDirs dirs = new DurableDirs(root, dir -> {
      Fsync.directory(dir);
      completed.add(dir);
    });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          int checked = 0;
          for (int i = 0; i < 30; i++) {
            Path bucket = buckets.get((seed * 7 + i * 5) % buckets.size());
            dirs.renamedInto(bucket);
            for (Path d = bucket; d.startsWith(root); d = d.getParent()) {
              assertTrue(completed.contains(d), d + " not synced when the publish into " + bucket + " returned");
              checked++;
            }
          }
          return checked;
        }));
      }
      int checked = 0;
      for (Future<Integer> f : results) {
        checked += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(8 * 30 * 3, checked);
      assertEquals(buckets.size() + 3 + 1, completed.size()); // buckets, their 3 parents, the root
    } finally {
      pool.shutdownNow();
    }
  }
}

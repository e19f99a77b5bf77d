package org.distvault.storage.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker pipeline gives the same digests as one thread, whatever the chunking. */
class ParallelDigesterTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS), "workers ended");
  }

  @Test
  void manyUnevenChunksThroughTwoBuffersGiveTheSingleThreadDigests() throws IOException {
    EnumSet<DigestAlgorithm> all = EnumSet.allOf(DigestAlgorithm.class);
    ParallelDigester parallel = new ParallelDigester(all, executor, 2, 4096);
    MultiDigester reference = MultiDigester.of(all);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 500; i++) {
      byte[] buf = parallel.buffer();
      int len = random.nextInt(buf.length + 1); // 0 .. full
      random.nextBytes(buf); // overwrite everything: a buffer still in use would corrupt a digest
      reference.update(buf, 0, len);
      parallel.hash(buf, len);
    }
    Digests expected = reference.finish();
    assertEquals(expected, parallel.finish());
  }

  @Test
  void abortReleasesTheWorkers() throws Exception {
    ParallelDigester parallel =
        new ParallelDigester(
            EnumSet.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S), executor, 2, 1 << 20);
    parallel.hash(parallel.buffer(), 1 << 20);
    parallel.abort();
    parallel.abort();
    executor.shutdown();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS), "workers ended after abort");
    assertThrows(IllegalStateException.class, () -> parallel.hash(new byte[1], 1));
    assertThrows(IllegalStateException.class, parallel::finish);
  }

  @Test
  void deadWorkerIsReportedInsteadOfWaitingForever() {
    ExecutorService doomed = Executors.newCachedThreadPool();
    ParallelDigester parallel =
        new ParallelDigester(EnumSet.of(DigestAlgorithm.SHA512), doomed, 1, 16);
    doomed.shutdownNow(); // interrupts the worker, which ends without freeing anything more
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              for (int i = 0; i < 3; i++) {
                parallel.hash(parallel.buffer(), 16);
              }
            });
    assertEquals("a digest worker stopped early", e.getMessage());
  }
}

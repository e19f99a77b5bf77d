package org.distvault.storage.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an ingest spreads its hashing: a worker per algorithm only while fewer ingests than cores
 * are open, and every way an ingest ends (commit, discard, failure) frees its place.
 */
class BlobWriterHashingTest {
  @TempDir Path data;

  @Test
  void ingestsBeyondTheCoresHashOnTheirOwnThread() throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    try (BlobStore store = BlobStore.open(data)) {
      int before = BlobWriter.openIngests();
      List<BlobWriter> writers = new ArrayList<>();
      try {
        for (int i = 0; i <= cores; i++) {
          writers.add(store.newWriter(Expectation.none()));
        }
        assertEquals(before + cores + 1, BlobWriter.openIngests());
        for (int i = 0; i < writers.size(); i++) {
          HashingMode expected = before + i + 1 >= cores
              ? HashingMode.SINGLE_THREAD : HashingMode.THREAD_PER_ALGORITHM;
          assertEquals(expected, writers.get(i).hashing(), "ingest " + (before + i + 1));
        }
        byte[] content = TestContent.bytes(7, 3 * ChunkDigester.CHUNK_SIZE + 5);
        BlobWriter last = writers.get(cores);
        last.write(content);
        StoredBlob blob = last.commit();
        assertEquals(TestContent.digest(DigestAlgorithm.SHA512, content), blob.sha512());
        assertEquals(TestContent.digest(DigestAlgorithm.SHA256, content),
            blob.digests().get(DigestAlgorithm.SHA256).orElseThrow());
        assertEquals(content.length, Files.size(blob.path()));
        writers.get(0).close();
        assertEquals(before + cores - 1, BlobWriter.openIngests());
      } finally {
        for (BlobWriter w : writers) {
          w.close();
        }
      }
      assertEquals(before, BlobWriter.openIngests());

      BlobWriter small = store.newWriter(Expectation.none().withSize(10));
      assertEquals(HashingMode.SINGLE_THREAD, small.hashing());
      assertThrows(SizeMismatchException.class, () -> small.write(new byte[11]));
      assertEquals(before, BlobWriter.openIngests());
    }
  }
}

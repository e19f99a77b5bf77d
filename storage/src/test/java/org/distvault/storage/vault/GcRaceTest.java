package org.distvault.storage.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads and binds of garbage blobs' content, from two threads, while {@code gc --apply} deletes
 * garbage: every upload-then-bind succeeds, every binding points at a held blob with its record,
 * and every record has its file.
 */
class GcRaceTest {
  static final int GARBAGE = 200;

  @TempDir Path data;

  @Test
  void uploadsAndBindsRacingACollectionNeverLoseTheirBlob() throws Exception {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(SetName.of("race"));
      List<byte[]> contents = new ArrayList<>();
      for (int i = 0; i < GARBAGE; i++) {
        byte[] c = new byte[500 + i];
        new Random(i).nextBytes(c);
        contents.add(c);
        ingest(vault, c);
      }
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<Integer>> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int first = w;
        workers.add(pool.submit(() -> {
          int bound = 0;
          for (int i = first; i < GARBAGE && !done.get(); i += 2) {
            byte[] c = contents.get(i);
            String name = "f-" + i + ".tgz";
            a.expect(List.of(new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(c.length), digests(c),
                Set.of("cat/f" + i), List.of())));
            Digest d = ingest(vault, c);
            DistfileRecord r = a.distfile(DistfileName.of(name)).orElseThrow();
            a.bind(r.ref(r.variants().get(0)), d);
            bound++;
          }
          return bound;
        }));
      }
      GcReport r;
      try {
        r = vault.gc(2, true, Long.MAX_VALUE);
      } finally {
        done.set(true);
      }
      int bound = 0;
      for (Future<Integer> f : workers) {
        bound += f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      // Measured: about 195 of 200 freed while about 150 uploads and binds ran (those whose blob was
      // deleted first stored it anew).
      assertTrue(r.freedCount() > 0 && bound > 0, "no race: freed " + r.freedCount() + ", bound " + bound);
      int checked = 0;
      for (DistfileRecord rec : a.listDistfiles(Optional.empty(), Vault.MAX_PAGE)) {
        for (Variant v : rec.variants()) {
          if (v.blob().isPresent()) {
            Digest d = v.blob().get();
            assertTrue(vault.holds(d) && vault.blob(d).isPresent(), rec.name() + " is bound to a blob that is gone");
            checked++;
          }
        }
      }
      assertEquals(bound, checked, "every bind made stays");
      for (BlobRecord b : vault.listBlobs(Optional.empty(), Vault.MAX_PAGE)) {
        assertTrue(vault.holds(b.sha512()), "a record without its file: " + b.sha512().hex());
      }
      assertEquals(vault.listBlobs(Optional.empty(), Vault.MAX_PAGE).size(), vault.blobs().list(Optional.empty(),
          Vault.MAX_PAGE).size(), "every file has its record");
    }
  }

  private static Digest ingest(Vault vault, byte[] content) throws IOException {
    return vault.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, digests(content))).sha512();
  }

  private static Digests digests(byte[] content) {
    MultiDigester d = MultiDigester.of(EnumSet.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512));
    d.update(content, 0, content.length);
    return d.finish();
  }
}

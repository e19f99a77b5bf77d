package org.distvault.server.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import org.distvault.server.metrics.ServerMetrics;
import org.distvault.server.mode.Mode;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve --max-size: the oldest garbage first, only as much as needed, never a live blob. */
class GcServiceTest {
  @TempDir Path data;

  @Test
  void theSizeBoundDeletesTheOldestGarbageUntilTheStoreFitsAndNeverLiveBlobs() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Vault vault = Vault.open(data);
        ServerMetrics metrics = new ServerMetrics(registry, vault::stats, () -> Mode.ONLINE)) {
      Digest live = bindInDefault(vault, TestContent.bytes(1, 100));
      Digest g1 = ingest(vault, TestContent.bytes(2, 100));
      Thread.sleep(5);
      Digest g2 = ingest(vault, TestContent.bytes(3, 100));
      Thread.sleep(5);
      Digest g3 = ingest(vault, TestContent.bytes(4, 100));

      new GcService(vault, metrics, Clock.systemUTC(), 2, OptionalLong.of(400)).checkSize();
      assertEquals(400, vault.stats().blobBytes(), "within the bound: nothing collected");

      new GcService(vault, metrics, Clock.systemUTC(), 2, OptionalLong.of(250)).checkSize();
      assertFalse(vault.holds(g1));
      assertFalse(vault.holds(g2));
      assertTrue(vault.holds(g3) && vault.holds(live), "only as much as needed, oldest first");
      String scrape = registry.scrape();
      assertTrue(scrape.contains("distvault_gc_freed_bytes_total 200.0"), scrape);
      assertTrue(scrape.contains("distvault_gc_garbage_bytes 100.0"), scrape);
      assertTrue(scrape.contains("distvault_live_bytes_over_max_size 0.0"), scrape);

      GcService tight = new GcService(vault, metrics, Clock.systemUTC(), 2, OptionalLong.of(50));
      tight.checkSize();
      assertFalse(vault.holds(g3));
      assertTrue(vault.holds(live), "a live blob is never evicted");
      scrape = registry.scrape();
      assertTrue(scrape.contains("distvault_live_bytes_over_max_size 1.0"), scrape);
      assertTrue(scrape.contains("distvault_gc_freed_bytes_total 300.0"), scrape);

      Digest later = ingest(vault, TestContent.bytes(5, 100));
      tight.checkSize();
      assertTrue(vault.holds(later), "not again within a minute of a collection that could not fit the store");
    }
  }

  private static Digest ingest(Vault vault, byte[] content) throws IOException {
    return vault.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, TestContent.digests(content)))
        .sha512();
  }

  private static Digest bindInDefault(Vault vault, byte[] content) throws IOException {
    ExpectedDistfile e = TestContent.entry("live-1.0.tgz", "cat/live", content, "http://127.0.0.1:9/live");
    vault.expect(List.of(e));
    Digest d = ingest(vault, content);
    DistfileRecord r = vault.distfile(DistfileName.of("live-1.0.tgz")).orElseThrow();
    vault.bind(r.ref(r.variants().get(0)), d);
    return d;
  }
}

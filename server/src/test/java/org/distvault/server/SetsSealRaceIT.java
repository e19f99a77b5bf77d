package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.server.testing.SealCheck;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binds race the seal of one set, per set: while set A is sealed, requests keep binding held blobs
 * into A and into B. Every bind into A that was answered as made is in A's seal and no other is;
 * nothing of B enters A's seal; B keeps filling to the end.
 */
@Timeout(120)
class SetsSealRaceIT {
  static final int PER_SET = 120;
  static final int CHUNK = 4;

  @TempDir Path data;
  @TempDir Path tmp;

  private static List<ExpectedDistfile> entries(String prefix, long seed) {
    List<ExpectedDistfile> out = new ArrayList<>();
    for (int i = 0; i < PER_SET; i++) {
      out.add(TestContent.entry(prefix + "-" + i + ".tgz", "cat/" + prefix, TestContent.bytes(seed + i, 300 + i),
          "http://127.0.0.1:9/" + prefix + "-" + i + ".tgz"));
    }
    return out;
  }

  @Test
  void bindsIntoBWhileAIsSealedNeverEnterAsSeal() throws Exception {
    List<ExpectedDistfile> a = entries("a", 1000);
    List<ExpectedDistfile> b = entries("b", 5000);
    try (TestServer s = TestServer.start(data)) {
      SetClient c = new SetClient(s.base(), s.token());
      c.manifest("A", a);
      c.manifest("B", b);
      for (int i = 0; i < PER_SET; i++) {
        c.blob(TestContent.bytes(1000 + i, 300 + i), tmp);
        c.blob(TestContent.bytes(5000 + i, 300 + i), tmp);
      }

      Set<String> boundInA = new ConcurrentSkipListSet<>();
      Set<String> boundInB = new ConcurrentSkipListSet<>();
      CountDownLatch started = new CountDownLatch(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> intoA = pool.submit(() -> bindAll(c, "A", a, boundInA, started));
        Future<?> intoB = pool.submit(() -> bindAll(c, "B", b, boundInB, started));
        assertTrue(started.await(60, TimeUnit.SECONDS), "both binders answered once");
        JsonNode sealed = c.state("A", "sealed");
        intoA.get(60, TimeUnit.SECONDS);
        intoB.get(60, TimeUnit.SECONDS);

        JsonNode seal = sealed.path("seal");
        assertTrue(boundInA.size() >= 3 * CHUNK && boundInA.size() < PER_SET,
            "the seal came amid the binds into A: " + boundInA.size());
        assertEquals(boundInA.size(), seal.path("entries").asLong(), "exactly the binds answered as made");
        List<String> lines = new ArrayList<>();
        for (ExpectedDistfile e : a) {
          if (boundInA.contains(e.name().value())) {
            int i = Integer.parseInt(e.name().value().replaceAll("\\D", ""));
            lines.add(SealCheck.line(e.name().value(), TestContent.bytes(1000 + i, 300 + i)));
          }
        }
        assertEquals(SealCheck.sortUniqSha256(lines, tmp), seal.path("digest").asText(), "A's seal is A's binds only");

        assertEquals(PER_SET, boundInB.size(), "B kept filling while A was sealed: " + c.get("api/v1/sets/B"));
        JsonNode setB = c.get("api/v1/sets/B");
        assertEquals(PER_SET, setB.path("present").asLong());
        JsonNode setA = c.get("api/v1/sets/A");
        assertEquals(boundInA.size(), setA.path("present").asLong(), "nothing was bound into A after its seal");
        assertEquals(seal, setA.path("seal"));
        assertEquals(new TreeSet<>(boundInA).size(), c.have("A", a).cardinality(), "a sealed set binds nothing more");
      } finally {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
      }
    }
  }

  /** Asks {@code set} for its entries a few at a time; a held blob is bound, and answered present. */
  private static Void bindAll(SetClient c, String set, List<ExpectedDistfile> entries, Set<String> bound,
      CountDownLatch started) throws Exception {
    for (int from = 0; from < entries.size(); from += CHUNK) {
      List<ExpectedDistfile> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
      BitSet present = c.have(set, chunk);
      for (int i = present.nextSetBit(0); i >= 0; i = present.nextSetBit(i + 1)) {
        bound.add(chunk.get(i).name().value());
      }
      if (from == CHUNK * 2) {
        started.countDown();
      }
    }
    return null;
  }
}

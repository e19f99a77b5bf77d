package org.distvault.server.violation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;

/** The encoding of a violation: the same bytes as Jackson writes for its JSON tree, and read back whole. */
class ViolationJsonTest {
  private static final Instant T = Instant.parse("2026-11-23T03:00:00.123456Z");

  @Test
  void streamedBytesAreTheTreesBytes() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Violation> all = List.of(
        new Violation(0, T, ViolationKind.UNKNOWN, "/distfiles/a.tgz", "a.tgz", Optional.empty(), List.of(),
            SetName.DEFAULT, Optional.empty(), "10.0.0.7", Optional.empty(), "GET", "in no manifest"),
        new Violation(42, T, ViolationKind.NOT_PREFETCHED, "/run/r1/pkg/devel/x/x%20\"q\"\\.tgz", "x \"q\"\\.tgz",
            Optional.of("devel/x"), List.of("devel/x", "devel/y-é"), SetName.of("2026Q4"), Optional.of("r1"),
            "::1", Optional.of("pkgsrc-fetch/1.0 \u0001\u2028"), "HEAD", "no prefetch attempt recorded\nnext line"),
        new Violation(0, T, ViolationKind.EGRESS, "example.org:443", "example.org:443", Optional.empty(), List.of(),
            SetName.DEFAULT, Optional.empty(), "10.0.0.7", Optional.empty(), "CONNECT", "refused",
            Optional.of(new Egress("example.org", 443, Optional.empty(), "offline"))));
    for (Violation v : all) {
      String streamed = new String(ViolationJson.toBytes(v), UTF_8);
      assertEquals(new String(json.writeValueAsBytes(ViolationJson.toNode(v)), UTF_8), streamed);
      assertEquals(v.withCursor(9), ViolationJson.fromBytes(9, streamed.getBytes(UTF_8)));
    }
  }
}

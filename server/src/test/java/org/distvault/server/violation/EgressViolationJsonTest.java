package org.distvault.server.violation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;

/** The stored form of egress violations, and that the other kinds keep theirs. */
class EgressViolationJsonTest {
  private static final Instant T = Instant.parse("2026-11-23T03:00:00Z");

  @Test
  void egressRoundTripsWithHostPortUrlAndMode() {
    Violation v = new Violation(0, T, ViolationKind.EGRESS, "http://example.org/x", "http://example.org/x",
        Optional.of("devel/cmake"), List.of(), SetName.DEFAULT, Optional.empty(), "10.0.0.7", Optional.of("curl/8.0"), "GET",
        "GET http://example.org/x refused by the trap proxy (offline mode)",
        Optional.of(new Egress("example.org", 80, Optional.of("http://example.org/x"), "offline")));
    String json = new String(ViolationJson.toBytes(v), UTF_8);
    assertEquals("{\"time\":\"2026-11-23T03:00:00Z\",\"kind\":\"egress\",\"path\":\"http://example.org/x\","
        + "\"name\":\"http://example.org/x\",\"pkgpath\":\"devel/cmake\",\"pkgpaths\":[],\"set\":\"default\",\"run\":null,"
        + "\"client\":\"10.0.0.7\",\"userAgent\":\"curl/8.0\",\"method\":\"GET\","
        + "\"reason\":\"GET http://example.org/x refused by the trap proxy (offline mode)\","
        + "\"host\":\"example.org\",\"port\":80,\"url\":\"http://example.org/x\",\"mode\":\"offline\"}", json);
    assertEquals(v.withCursor(7), ViolationJson.fromBytes(7, json.getBytes(UTF_8)));
  }

  @Test
  void otherKindsHaveNoEgressFields() {
    Violation v = new Violation(0, T, ViolationKind.UNKNOWN, "/distfiles/a.tgz", "a.tgz", Optional.empty(), List.of(),
        SetName.of("2026Q4"), Optional.empty(), "10.0.0.7", Optional.empty(), "GET", "in no manifest");
    String json = new String(ViolationJson.toBytes(v), UTF_8);
    assertEquals(false, json.contains("\"host\""), json);
    assertEquals(true, json.contains("\"set\":\"2026Q4\""), json);
    assertEquals(v.withCursor(3), ViolationJson.fromBytes(3, json.getBytes(UTF_8)));
  }

  @Test
  void egressKindWithoutTargetIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Violation(0, T, ViolationKind.EGRESS, "x:1", "x:1",
        Optional.empty(), List.of(), SetName.DEFAULT, Optional.empty(), "c", Optional.empty(), "CONNECT", "r"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ViolationJson.fromBytes(1,
        "{\"time\":\"2026-11-23T03:00:00Z\",\"kind\":\"egress\",\"host\":\"x\"}".getBytes(UTF_8)));
    assertEquals("egress violation 1 has no valid port", e.getMessage());
  }

  @Test
  void aViolationStoredBeforeSetsIsTheDefaultSets() {
    Violation v = ViolationJson.fromBytes(4, ("{\"time\":\"2026-11-23T03:00:00Z\",\"kind\":\"unknown\","
        + "\"path\":\"/distfiles/a.tgz\",\"name\":\"a.tgz\",\"pkgpath\":null,\"pkgpaths\":[],\"run\":null,"
        + "\"client\":\"10.0.0.7\",\"userAgent\":null,\"method\":\"GET\",\"reason\":\"in no manifest\"}")
        .getBytes(UTF_8));
    assertEquals(SetName.DEFAULT, v.set());
    assertEquals("default", ViolationJson.toNode(v).path("set").asText());
  }

  @Test
  void aStoredViolationWithAnInvalidSetIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ViolationJson.fromBytes(5,
        "{\"time\":\"2026-11-23T03:00:00Z\",\"kind\":\"unknown\",\"set\":\"a/b\"}".getBytes(UTF_8)));
    assertEquals("violation 5 has an invalid set: only A-Z, a-z, 0-9, '.', '_' and '-' are allowed", e.getMessage());
  }
}

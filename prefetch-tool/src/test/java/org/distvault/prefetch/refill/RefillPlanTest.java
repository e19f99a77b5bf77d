package org.distvault.prefetch.refill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which violations since a seal become distfiles to fetch again, and which what the manifest lacks. */
class RefillPlanTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant SEALED = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void catalogedMissesSinceTheSealAreFetchedAgainAndTheRestListedPerPackage() throws Exception {
    List<JsonNode> violations = new ArrayList<>();
    violations.add(v("2026-12-06T09:59:59Z", "not-prefetched", "before-seal.tgz", "cat/old", null));
    violations.add(v("2026-12-06T10:00:00Z", "not-prefetched", "f1.tgz", "cat/f1", null));
    violations.add(v("2026-12-06T10:05:00Z", "not-prefetched", "f1.tgz", "cat/f1", null));
    violations.add(v("2026-12-06T10:06:00Z", "ambiguous", "both.tgz", null, "[\"cat/a\",\"cat/b\"]"));
    violations.add(v("2026-12-06T10:07:00Z", "unknown", "extra.tgz", "cat/x", null));
    violations.add(v("2026-12-06T10:08:00Z", "unknown", "extra.tgz", "cat/x", null));
    violations.add(v("2026-12-06T10:09:00Z", "unknown", "by-hash/sha256/ab", null, null));
    violations.add(JSON.readTree("{\"time\":\"2026-12-06T10:10:00Z\",\"kind\":\"egress\",\"name\":\"\","
        + "\"pkgpath\":\"lang/rust\",\"host\":\"crates.io\",\"port\":443,\"url\":null,\"reason\":\"not allowed\"}"));
    RefillPlan plan = RefillPlan.of(violations, SEALED);
    assertEquals(new TreeSet<>(Set.of("f1.tgz", "both.tgz")), plan.retry());
    assertEquals(7, plan.considered());
    assertEquals(Map.of(
        "-", List.of(new RefillPlan.Lack("by-hash/sha256/ab", "unknown", "why", 1)),
        "cat/x", List.of(new RefillPlan.Lack("extra.tgz", "unknown", "why", 2)),
        "lang/rust", List.of(new RefillPlan.Lack("crates.io:443", "egress", "not allowed", 1))), plan.lacking());
  }

  @Test
  void aViolationWithoutTimeOrWithAnUnknownKindIsNamed() throws Exception {
    IllegalArgumentException time = assertThrows(IllegalArgumentException.class,
        () -> RefillPlan.of(List.of(JSON.readTree("{\"cursor\":7,\"kind\":\"unknown\"}")), SEALED));
    assertEquals("violation 7 has no readable time: none", time.getMessage());
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
        () -> RefillPlan.of(List.of(v("2026-12-06T11:00:00Z", "strange", "x", null, null)), SEALED));
    assertEquals("violation 0 has an unknown kind 'strange'", kind.getMessage());
  }

  private static JsonNode v(String time, String kind, String name, String pkgpath, String pkgpaths) throws Exception {
    return JSON.readTree("{\"time\":\"" + time + "\",\"kind\":\"" + kind + "\",\"name\":\"" + name + "\",\"pkgpath\":"
        + (pkgpath == null ? "null" : "\"" + pkgpath + "\"") + ",\"pkgpaths\":" + (pkgpaths == null ? "[]" : pkgpaths)
        + ",\"reason\":\"why\"}");
  }
}

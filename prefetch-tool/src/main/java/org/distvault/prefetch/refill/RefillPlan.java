package org.distvault.prefetch.refill;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a sealed set's violations since its seal ask of {@code distvault refill}: the catalogued
 * distfiles to fetch again ({@code not-prefetched}, and {@code ambiguous}, whose variants the set
 * expects but does not hold), and what the manifest itself lacks ({@code unknown} names and {@code
 * egress} attempts), which no refill can fetch without a manifest entry.
 *
 * @param retry the distfile names to fetch again, sorted
 * @param lacking per package ({@code -} when the request named none), what the manifest lacks
 * @param considered the violations at or after the seal that were read
 */
public record RefillPlan(SortedSet<String> retry, SortedMap<String, List<Lack>> lacking, int considered) {
  /**
   * One request the manifest cannot answer.
   *
   * @param what the distfile name, or for {@code egress} the host (and URL) the build tried
   * @param kind {@code unknown} or {@code egress}
   * @param reason the violation's reason
   * @param count how many violations asked for it
   */
  public record Lack(String what, String kind, String reason, int count) {}

  public RefillPlan {
    retry = Collections.unmodifiableSortedSet(new TreeSet<>(retry));
    lacking = Collections.unmodifiableSortedMap(new TreeMap<>(lacking));
  }

  /**
   * Plans from violations in their JSON form (the admin API's), keeping those at or after {@code
   * sealedAt}.
   *
   * @throws IllegalArgumentException naming a violation without a readable time or kind
   */
  public static RefillPlan of(Iterable<JsonNode> violations, Instant sealedAt) {
    TreeSet<String> retry = new TreeSet<>();
    TreeMap<String, TreeMap<String, Lack>> lacking = new TreeMap<>();
    int considered = 0;
    for (JsonNode v : violations) {
      Instant time;
      try {
        time = Instant.parse(v.path("time").asText());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("violation " + v.path("cursor").asLong() + " has no readable time: "
            + (v.has("time") ? v.get("time").toString() : "none"), e);
      }
      if (time.isBefore(sealedAt)) {
        continue;
      }
      considered++;
      String kind = v.path("kind").asText();
      switch (kind) {
        case "not-prefetched", "ambiguous" -> retry.add(v.path("name").asText());
        case "unknown", "egress" -> {
          String what = kind.equals("egress")
              ? v.path("host").asText() + ":" + v.path("port").asInt()
                  + (v.hasNonNull("url") ? " " + v.path("url").asText() : "")
              : v.path("name").asText();
          for (String pkg : packages(v)) {
            lacking.computeIfAbsent(pkg, p -> new TreeMap<>())
                .merge(kind + "\t" + what, new Lack(what, kind, v.path("reason").asText(), 1),
                    (a, b) -> new Lack(a.what(), a.kind(), b.reason(), a.count() + 1));
          }
        }
        default -> throw new IllegalArgumentException("violation " + v.path("cursor").asLong()
            + " has an unknown kind '" + kind + "'");
      }
    }
    TreeMap<String, List<Lack>> byPackage = new TreeMap<>();
    lacking.forEach((pkg, lacks) -> byPackage.put(pkg, List.copyOf(lacks.values())));
    return new RefillPlan(retry, byPackage, considered);
  }

  /** The package a violation names: the request's PKGPATH, else the manifest's, else {@code -}. */
  private static List<String> packages(JsonNode v) {
    if (v.hasNonNull("pkgpath")) {
      return List.of(v.get("pkgpath").asText());
    }
    List<String> out = new ArrayList<>();
    v.path("pkgpaths").forEach(p -> out.add(p.asText()));
    return out.isEmpty() ? List.of("-") : out;
  }
}

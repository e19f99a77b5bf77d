package org.distvault.server.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The body of {@code /healthz}: {@code {"status":"ok","mode":M,"blobs":N}} while no condition
 * holds (unchanged from before conditions existed: scripts compare it), else {@code
 * {"status":"degraded","mode":M,"blobs":N,"reasons":[{"reason":R,"detail":D},...]}}. The status
 * code is 200 either way: a degraded server still serves every hit, so a load balancer must not
 * drop it; monitoring reads {@code status} or {@code distvault_degraded}.
 *
 * <p>Free space is measured for each request, so the answer is current, not a tick old.
 */
public final class HealthBody implements Supplier<String> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Health health;
  private final FreeSpace space;
  private final Supplier<String> mode;
  private final LongSupplier blobs;

  /**
   * @param mode the wire name of the mode in force
   * @param blobs how many blobs are stored
   */
  public HealthBody(Health health, FreeSpace space, Supplier<String> mode, LongSupplier blobs) {
    this.health = Objects.requireNonNull(health, "health");
    this.space = Objects.requireNonNull(space, "space");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
  }

  @Override
  public String get() {
    space.check();
    Map<Condition, String> held = health.reasons();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", held.isEmpty() ? "ok" : "degraded");
    body.put("mode", mode.get());
    body.put("blobs", blobs.getAsLong());
    if (!held.isEmpty()) {
      List<Map<String, String>> reasons = new ArrayList<>();
      held.forEach((c, detail) -> {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("reason", c.wireName());
        r.put("detail", detail);
        reasons.add(r);
      });
      body.put("reasons", reasons);
    }
    try {
      return JSON.writeValueAsString(body) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the health body: " + e.getOriginalMessage(), e);
    }
  }
}

package org.distvault.server.health;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link Condition}s hold now, each with a one-line detail. Conditions are raised and
 * cleared by whoever notices them, as often as they like (every failed request may raise one):
 * only a change is logged, one WARN line when a condition starts and one INFO line when it ends,
 * so a full disk under a flood of misses costs two log lines, not one per request.
 *
 * <p>Thread-safe.
 */
public final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);

  private final Map<Condition, String> held = new EnumMap<>(Condition.class);
  private final Map<Condition, Long> since = new EnumMap<>(Condition.class);
  private final Map<Condition, Long> repeats = new EnumMap<>(Condition.class);

  /**
   * Records that {@code condition} holds, with {@code detail} (one line) as its latest detail.
   * Logged only when it did not hold before.
   */
  public void raise(Condition condition, String detail) {
    Objects.requireNonNull(condition, "condition");
    String line = oneLine(detail);
    boolean started;
    synchronized (this) {
      started = held.put(condition, line) == null;
      if (started) {
        since.put(condition, System.nanoTime());
        repeats.put(condition, 0L);
      } else {
        repeats.merge(condition, 1L, Long::sum);
      }
    }
    if (started) {
      log.warn("degraded: {} ({}): {}", condition.meaning(), condition.wireName(), line);
    }
  }

  /** Records that {@code condition} no longer holds; logged only when it held. */
  public void clear(Condition condition) {
    Objects.requireNonNull(condition, "condition");
    long seconds;
    long again;
    synchronized (this) {
      if (held.remove(condition) == null) {
        return;
      }
      seconds = (System.nanoTime() - since.remove(condition)) / 1_000_000_000L;
      again = repeats.remove(condition);
    }
    log.info("recovered: {} no longer ({}), after {} s and {} more occurrences", condition.meaning(),
        condition.wireName(), seconds, again);
  }

  /** Whether {@code condition} holds. */
  public synchronized boolean holds(Condition condition) {
    return held.containsKey(condition);
  }

  /** The conditions that hold, in {@link Condition} order, with their latest details. */
  public synchronized Map<Condition, String> reasons() {
    return Collections.unmodifiableMap(new EnumMap<>(held));
  }

  /** Whether any condition holds. */
  public synchronized boolean degraded() {
    return !held.isEmpty();
  }

  private static String oneLine(String s) {
    return String.valueOf(s).replace('\r', ' ').replace('\n', ' ');
  }
}

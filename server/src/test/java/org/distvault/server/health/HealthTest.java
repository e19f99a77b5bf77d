package org.distvault.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.distvault.server.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Conditions are logged once per change, however often they are raised, and listed in order. */
class HealthTest {
  @RegisterExtension final LogCapture logged = new LogCapture(Health.class, Level.INFO);

  private List<String> lines() {
    return logged.events().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void aThousandRaisesAreOneLineAndOneClearIsAnother() {
    Health h = new Health();
    for (int i = 0; i < 1000; i++) {
      h.raise(Condition.CATALOG_WRITE_FAILING, "failure " + i + "\nsecond line");
    }
    assertTrue(h.degraded());
    assertEquals("failure 999 second line", h.reasons().get(Condition.CATALOG_WRITE_FAILING));
    assertEquals(1, lines().size(), lines().toString());
    assertTrue(lines().get(0).startsWith("WARN degraded: catalog writes are failing (catalog_write_failing): failure 0"),
        lines().get(0));

    h.clear(Condition.CATALOG_WRITE_FAILING);
    h.clear(Condition.CATALOG_WRITE_FAILING);
    assertFalse(h.degraded());
    assertEquals(2, lines().size(), lines().toString());
    assertTrue(lines().get(1).startsWith("INFO recovered: catalog writes are failing no longer"), lines().get(1));
    assertTrue(lines().get(1).contains("999 more occurrences"), lines().get(1));
  }

  @Test
  void clearingWhatDoesNotHoldLogsNothing() {
    Health h = new Health();
    h.clear(Condition.LOW_SPACE);
    assertEquals(List.of(), lines());
    assertFalse(h.holds(Condition.LOW_SPACE));
  }

  @Test
  void reasonsComeInConditionOrder() {
    Health h = new Health();
    h.raise(Condition.VIOLATIONS_FILE_BEHIND, "b");
    h.raise(Condition.LOW_SPACE, "a");
    assertEquals(List.of(Condition.LOW_SPACE, Condition.VIOLATIONS_FILE_BEHIND), List.copyOf(h.reasons().keySet()));
    assertEquals(2, lines().size());
  }
}

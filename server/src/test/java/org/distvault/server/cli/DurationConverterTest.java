package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
  private final DurationConverter c = new DurationConverter();

  @Test
  void unitsAreSecondsMinutesHoursDays() {
    assertEquals(Duration.ofSeconds(90), c.convert("90s"));
    assertEquals(Duration.ofMinutes(30), c.convert("30m"));
    assertEquals(Duration.ofHours(12), c.convert("12H"));
    assertEquals(Duration.ofDays(7), c.convert(" 7d "));
  }

  @Test
  void anythingElseIsRefusedWithTheForm() {
    for (String bad : new String[] {"", "7", "0d", "-1d", "1w", "1.5h", "PT12H", "10000000000s"}) {
      CommandLine.TypeConversionException e =
          assertThrows(CommandLine.TypeConversionException.class, () -> c.convert(bad), bad);
      assertEquals("'" + bad + "' is not a duration: use a positive number with s, m, h or d (e.g. 7d, 12h)",
          e.getMessage());
    }
  }

  @Test
  void serveRefusesABadScrubInterval() {
    CliRun r = CliRun.of("serve", "--data", "/nonexistent-distvault-test", "--scrub-every", "0d");
    assertEquals(2, r.code(), r.toString());
    assertEquals(true, r.err().contains("'0d' is not a duration"), r.err());
  }
}

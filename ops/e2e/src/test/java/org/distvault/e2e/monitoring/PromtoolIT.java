package org.distvault.e2e.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.install.Executables;
import org.distvault.e2e.install.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus material passes promtool: the scrape config (with its rule file), the rules, and
 * the rules' unit tests, which show every alert firing and not firing; and those unit tests fail
 * when a threshold changes.
 */
class PromtoolIT {
  private static final Pattern ALERT = Pattern.compile("(?m)^      - alert: (\\w+)$");

  @TempDir Path tmp;

  private static Path prometheus() {
    return OpsPaths.ops().resolve("prometheus");
  }

  private static String promtool() {
    return Executables.require("promtool", "prometheus").toString();
  }

  static List<String> alerts() throws Exception {
    Matcher m = ALERT.matcher(Files.readString(prometheus().resolve("distvault.rules.yml")));
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void scrapeConfigIsValidAndFindsTheRuleFile() throws Exception {
    ProcessResult r = ProcessResult.run(prometheus(), promtool(), "check", "config", "prometheus.yml");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("SUCCESS: 1 rule files found"), r.toString());
    assertTrue(r.stdout().contains("SUCCESS: prometheus.yml is valid prometheus config file syntax"), r.toString());
    assertTrue(r.stdout().contains("SUCCESS: " + alerts().size() + " rules found"), r.toString());
  }

  @Test
  void rulesAreValidAndEachAlertIsLabelledAndExplained() throws Exception {
    List<String> alerts = alerts();
    assertEquals(List.of("DistvaultViolationWhileOffline", "DistvaultViolationWhileOnline", "DistvaultHitRatioLow", "DistvaultDiskNearlyFull",
        "DistvaultDiskFull", "DistvaultScrubFoundCorruption", "DistvaultScrubOverdue", "DistvaultDown", "DistvaultServerErrors",
        "DistvaultDegraded", "DistvaultUpstreamFetchesFailing", "DistvaultLiveDataOverMaxSize", "DistvaultBackendErrors",
        "DistvaultCacheTierHitRatioLow", "DistvaultReplicaNotFollowing"), alerts);
    ProcessResult r = ProcessResult.run(prometheus(), promtool(), "check", "rules", "distvault.rules.yml");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("SUCCESS: 15 rules found"), r.toString());
    String rules = Files.readString(prometheus().resolve("distvault.rules.yml"));
    String[] bodies = rules.split("(?m)^      - alert: ");
    assertEquals(alerts.size() + 1, bodies.length);
    for (int i = 1; i < bodies.length; i++) {
      String body = bodies[i];
      assertTrue(body.matches("(?s).*\\n          severity: (critical|warning)\\n.*"), body);
      assertTrue(body.contains("\n          summary: "), body);
      assertTrue(body.contains("\n          description: "), body);
    }
  }

  @Test
  void unitTestsPassAndShowEveryAlertFiringAndQuiet() throws Exception {
    ProcessResult r = ProcessResult.run(prometheus(), promtool(), "test", "rules", "distvault.rules.test.yml");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("SUCCESS"), r.toString());
    String tests = Files.readString(prometheus().resolve("distvault.rules.test.yml"));
    for (String alert : alerts()) {
      String at = "alertname: " + alert + "\n        exp_alerts:";
      assertTrue(tests.contains(at + " []"), alert + " is never shown quiet");
      assertTrue(tests.contains(at + "\n          - exp_labels:"), alert + " is never shown firing");
    }
  }

  /** Each threshold changed (all at once: one promtool run) makes its own alert's unit test fail. */
  @Test
  void unitTestsFailWhenAThresholdChanges() throws Exception {
    String rules = Files.readString(prometheus().resolve("distvault.rules.yml"));
    Map<String, String> failures = new LinkedHashMap<>();
    rules = changed(rules, "  ) < 0.8\n", "  ) < 0.4\n");
    failures.put("DistvaultHitRatioLow", "alertname: DistvaultHitRatioLow, time: 30m");
    rules = changed(rules, "  ) < 0.5\n", "  ) < 0.1\n");
    failures.put("DistvaultCacheTierHitRatioLow", "alertname: DistvaultCacheTierHitRatioLow, time: 1h");
    rules = changed(rules, "{job=\"distvault\"}), 300)", "{job=\"distvault\"}), 900)");
    failures.put("DistvaultReplicaNotFollowing", "alertname: DistvaultReplicaNotFollowing, time: 22m");
    Files.writeString(tmp.resolve("distvault.rules.yml"), rules);
    Files.copy(prometheus().resolve("distvault.rules.test.yml"), tmp.resolve("distvault.rules.test.yml"));
    ProcessResult r = ProcessResult.run(tmp, promtool(), "test", "rules", "distvault.rules.test.yml");
    assertEquals(1, r.exit(), r.toString());
    failures.forEach((alert, failure) -> assertTrue(r.stderr().contains(failure), alert + ": " + r));
  }

  /** {@code rules} with {@code from} replaced by {@code to}; fails when {@code from} is not there. */
  private static String changed(String rules, String from, String to) {
    String changed = rules.replace(from, to);
    assertNotEquals(rules, changed, "the threshold line " + from.strip() + " moved");
    return changed;
  }
}

package org.distvault.e2e.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PromQL expression of the operator material and where it is: a dashboard panel's target, a
 * dashboard variable's {@code label_values} query, or an alert rule.
 */
record Query(String where, String expr) {
  private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\)$");
  private static final Pattern RULE_KEY = Pattern.compile("^(\\s*)(?:- )?(alert|record|expr): ?(.*)$");

  /**
   * The expression as Grafana sends it to Prometheus: {@code $job} is {@code distvault}, {@code
   * $instance} every instance, and the interval variables are the given durations. An unknown
   * variable is an error.
   */
  String resolved(String rateInterval, String range) {
    String e = expr.replace("$__rate_interval", rateInterval).replace("$__range", range)
        .replace("$job", "distvault").replace("$instance", ".*");
    if (e.contains("$")) {
      throw new IllegalArgumentException(where + ": an unknown variable in " + expr);
    }
    return e;
  }

  /** The panels of a dashboard, rows' nested panels included, in order. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      all.add(p);
      p.path("panels").forEach(all::add);
    }
    return all;
  }

  /** Every target expression and every {@code label_values} selector of a Grafana dashboard. */
  static List<Query> ofDashboard(Path file) throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode t : panel.path("targets")) {
        queries.add(new Query("panel " + panel.path("id").asInt() + " '" + panel.path("title").asText()
            + "' target " + t.path("refId").asText(), t.path("expr").asText()));
      }
    }
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
        Matcher m = LABEL_VALUES.matcher(q.strip());
        if (!m.matches()) {
          throw new IllegalArgumentException("variable " + v.path("name").asText() + ": not label_values(SELECTOR, LABEL): " + q);
        }
        queries.add(new Query("variable " + v.path("name").asText(), m.group(1)));
      }
    }
    return queries;
  }

  /**
   * Every {@code expr} of a Prometheus rule file, one-line or a block scalar ({@code |}, {@code >}),
   * named after its alert or recording rule. Only the layout promtool accepts and our file uses.
   */
  static List<Query> ofRules(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Query> queries = new ArrayList<>();
    String rule = null;
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = RULE_KEY.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      if (!m.group(2).equals("expr")) {
        rule = m.group(2) + " " + m.group(3).strip();
        continue;
      }
      String value = m.group(3).strip();
      if (value.matches("[|>][-+]?")) {
        int indent = m.group(1).length();
        StringBuilder block = new StringBuilder();
        while (i + 1 < lines.size() && (lines.get(i + 1).isBlank() || indentOf(lines.get(i + 1)) > indent)) {
          block.append(lines.get(++i).strip()).append('\n');
        }
        value = block.toString().strip();
      } else if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
          || value.startsWith("\"") && value.endsWith("\""))) {
        value = value.substring(1, value.length() - 1);
      }
      if (rule == null || value.isEmpty()) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": an expr without a rule name or value");
      }
      queries.add(new Query(rule, value));
    }
    return queries;
  }

  private static int indentOf(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}

package org.distvault.e2e.monitoring;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text-format scrape reduced to what queries can select: each sample name (the
 * {@code _bucket}, {@code _count}, {@code _sum} series of a histogram are their own names, as
 * PromQL sees them) with the label names any of its series carries.
 */
record Scrape(Map<String, Set<String>> labelsByName) {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? \\S+( \\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

  /** Reads a scrape; a line that is neither a comment nor a sample is an error naming it. */
  static Scrape parse(String text) {
    Map<String, Set<String>> labels = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Set<String> names = labels.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          names.add(l.group(1));
        }
      }
    }
    return new Scrape(labels);
  }

  boolean has(String name) {
    return labelsByName.containsKey(name);
  }

  Set<String> labels(String name) {
    return labelsByName.getOrDefault(name, Set.of());
  }
}

package org.distvault.e2e.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A systemd unit or environment file read into its settings: section -> key -> the values of each
 * assignment in order (a key may repeat). Comments ({@code #}, {@code ;}) and blank lines are
 * skipped; a value in double or single quotes loses them, as systemd reads it; line continuations
 * are refused, since our files use none.
 */
record UnitFile(Map<String, Map<String, List<String>>> sections) {
  /** The section name of an environment file, which has none. */
  static final String NO_SECTION = "";

  private static final Pattern WHOLE_VARIABLE = Pattern.compile("\\$\\{(\\w+)}");
  private static final Pattern SPLIT_VARIABLE = Pattern.compile("\\$(\\w+)");

  static UnitFile read(Path file) throws IOException {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    String section = NO_SECTION;
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.endsWith("\\")) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": a line continuation");
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1);
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": not KEY=VALUE: " + line);
      }
      sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
          .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(unquoted(line.substring(eq + 1).strip()));
    }
    return new UnitFile(sections);
  }

  private static String unquoted(String value) {
    boolean quoted = value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
        || value.startsWith("'") && value.endsWith("'"));
    return quoted ? value.substring(1, value.length() - 1) : value;
  }

  /** Every value assigned to {@code key} in {@code section}, in order; empty if none. */
  List<String> all(String section, String key) {
    return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
  }

  /** The one value of {@code key}; fails when it is missing or assigned more than once. */
  String one(String section, String key) {
    List<String> values = all(section, key);
    if (values.size() != 1) {
      throw new AssertionError("[" + section + "] " + key + "= is assigned " + values.size() + " times: " + values);
    }
    return values.get(0);
  }

  /**
   * The variables this unit's {@code [Service]} commands see: its {@code Environment=} assignments,
   * then those of {@code environmentFile} (read as its {@code EnvironmentFile=}), which win.
   */
  Map<String, String> environment(UnitFile environmentFile) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String assignment : all("Service", "Environment")) {
      env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
    }
    environmentFile.sections().getOrDefault(NO_SECTION, Map.of()).forEach((k, v) -> env.put(k, v.get(v.size() - 1)));
    return env;
  }

  /**
   * A command line as systemd expands it: {@code ${VAR}} is one word, a word {@code $VAR} is split
   * at whitespace (zero words when empty), and a quoted string is one word.
   */
  static List<String> expand(String line, Map<String, String> env) {
    List<String> words = new ArrayList<>();
    Matcher w = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)").matcher(line);
    while (w.find()) {
      if (w.group(3) == null) {
        words.add(w.group(1) != null ? w.group(1) : w.group(2));
        continue;
      }
      String word = w.group(3);
      Matcher split = SPLIT_VARIABLE.matcher(word);
      if (split.matches()) {
        for (String part : env.getOrDefault(split.group(1), "").split("\\s+")) {
          if (!part.isEmpty()) {
            words.add(part);
          }
        }
        continue;
      }
      Matcher whole = WHOLE_VARIABLE.matcher(word);
      StringBuilder out = new StringBuilder();
      while (whole.find()) {
        whole.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(whole.group(1), "")));
      }
      whole.appendTail(out);
      words.add(out.toString());
    }
    return words;
  }
}

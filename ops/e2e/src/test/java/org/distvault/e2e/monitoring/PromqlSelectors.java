package org.distvault.e2e.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The series selectors of a PromQL expression: each metric name it reads and the label names its
 * matchers use, found by a small tokenizer rather than a full parser.
 *
 * <p>Identifiers that are functions (followed by {@code (}), aggregation operators, keywords,
 * label lists of {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_left}/
 * {@code group_right}, strings, durations in {@code [...]}, numbers ({@code Inf}, {@code NaN}
 * included) and Grafana variables ({@code $job}, {@code ${job}}, {@code $__rate_interval}) are not
 * metric names. A matcher {@code __name__="x"} names metric {@code x}; a regular expression on
 * {@code __name__} cannot be checked and is refused. Stateless.
 */
final class PromqlSelectors {
  /** One selector: a metric name and the label names its matchers constrain (besides {@code __name__}). */
  record Selector(String metric, Set<String> labels) {}

  private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev",
      "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
  private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring",
      "group_left", "group_right");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2");
  private static final Set<String> NUMBERS = Set.of("inf", "nan");

  private final String expr;
  private int pos;

  private PromqlSelectors(String expr) {
    this.expr = expr;
  }

  /** The selectors of {@code expr}, in order of appearance. */
  static List<Selector> of(String expr) {
    return new PromqlSelectors(expr).read();
  }

  /** The distinct metric names {@code expr} reads, sorted. */
  static Set<String> metricNames(String expr) {
    Set<String> names = new TreeSet<>();
    for (Selector s : of(expr)) {
      names.add(s.metric());
    }
    return names;
  }

  private List<Selector> read() {
    List<Selector> selectors = new ArrayList<>();
    while (pos < expr.length()) {
      char c = expr.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '#') {
        skipComment();
      } else if (c == '"' || c == '\'' || c == '`') {
        readString();
      } else if (c == '$') {
        skipVariable();
      } else if (c == '[') {
        skipPast(']');
      } else if (c == '{') {
        Selector bare = readMatchers(null);
        if (bare.metric() == null) {
          throw error("a selector without a metric name (no __name__=\"...\" matcher)");
        }
        selectors.add(bare);
      } else if (isDigit(c) || c == '.' && pos + 1 < expr.length() && isDigit(expr.charAt(pos + 1))) {
        skipNumber();
      } else if (isIdentifierStart(c)) {
        String word = readIdentifier();
        String lower = word.toLowerCase(Locale.ROOT);
        char next = peekNonSpace();
        if (LABEL_LIST_KEYWORDS.contains(lower)) {
          if (next == '(') {
            skipWhitespace();
            skipPast(')');
          }
        } else if (KEYWORDS.contains(lower) || NUMBERS.contains(lower) || AGGREGATIONS.contains(lower) || next == '(') {
          // An operator, a number, an aggregation or a function call: no metric.
        } else if (next == '{') {
          skipWhitespace();
          selectors.add(readMatchers(word));
        } else {
          selectors.add(new Selector(word, Set.of()));
        }
      } else {
        pos++;
      }
    }
    return selectors;
  }

  /** Reads {@code {label op "value", ...}} at pos; {@code metric} is the name before it, or null. */
  private Selector readMatchers(String metric) {
    pos++;
    Set<String> labels = new TreeSet<>();
    String name = metric;
    while (true) {
      skipWhitespace();
      if (pos >= expr.length()) {
        throw error("unclosed {");
      }
      char c = expr.charAt(pos);
      if (c == '}') {
        pos++;
        return new Selector(name, labels);
      }
      if (c == ',') {
        pos++;
        continue;
      }
      if (!isIdentifierStart(c)) {
        throw error("a label name expected in a selector");
      }
      String label = readIdentifier();
      skipWhitespace();
      int opStart = pos;
      while (pos < expr.length() && "=!~".indexOf(expr.charAt(pos)) >= 0) {
        pos++;
      }
      String op = expr.substring(opStart, pos);
      if (!Set.of("=", "!=", "=~", "!~").contains(op)) {
        throw error("a matcher operator (=, !=, =~, !~) expected after label " + label);
      }
      skipWhitespace();
      String value = readString();
      if (label.equals("__name__")) {
        if (!op.equals("=") || name != null) {
          throw error("only one __name__=\"...\" matcher, without a name before the braces, can be checked");
        }
        name = value;
      } else {
        labels.add(label);
      }
    }
  }

  /** Reads a quoted string at pos and returns its content (escapes taken literally but kept whole). */
  private String readString() {
    if (pos >= expr.length() || "\"'`".indexOf(expr.charAt(pos)) < 0) {
      throw error("a quoted string expected");
    }
    char quote = expr.charAt(pos++);
    StringBuilder s = new StringBuilder();
    while (pos < expr.length()) {
      char c = expr.charAt(pos++);
      if (c == quote) {
        return s.toString();
      }
      if (c == '\\' && quote != '`' && pos < expr.length()) {
        c = expr.charAt(pos++);
      }
      s.append(c);
    }
    throw error("unclosed string");
  }

  private void skipVariable() {
    pos++;
    if (pos < expr.length() && expr.charAt(pos) == '{') {
      skipPast('}');
      return;
    }
    while (pos < expr.length() && (Character.isLetterOrDigit(expr.charAt(pos)) || expr.charAt(pos) == '_')) {
      pos++;
    }
  }

  /** Skips from an opening bracket at pos past the closing one; these lists hold no strings or nesting. */
  private void skipPast(char close) {
    int end = expr.indexOf(close, pos);
    if (end < 0) {
      throw error("unclosed " + expr.charAt(pos));
    }
    pos = end + 1;
  }

  /** Skips a number or duration: 42, 0.9, 1e-3, 0x1F, 5m, 1h30m. */
  private void skipNumber() {
    boolean hex = expr.startsWith("0x", pos) || expr.startsWith("0X", pos);
    while (pos < expr.length()) {
      char c = expr.charAt(pos);
      boolean exponentSign = !hex && (c == '+' || c == '-') && "eE".indexOf(expr.charAt(pos - 1)) >= 0;
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign)) {
        return;
      }
      pos++;
    }
  }

  private void skipComment() {
    while (pos < expr.length() && expr.charAt(pos) != '\n') {
      pos++;
    }
  }

  private String readIdentifier() {
    int start = pos;
    while (pos < expr.length() && (isIdentifierStart(expr.charAt(pos)) || isDigit(expr.charAt(pos)))) {
      pos++;
    }
    return expr.substring(start, pos);
  }

  private char peekNonSpace() {
    int i = pos;
    while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
      i++;
    }
    return i < expr.length() ? expr.charAt(i) : '\0';
  }

  private void skipWhitespace() {
    while (pos < expr.length() && Character.isWhitespace(expr.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isIdentifierStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at offset " + pos + " of: " + expr);
  }
}

package org.distvault.e2e.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.distvault.e2e.monitoring.PromqlSelectors.Selector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which identifiers of a PromQL expression are metric names, and which label names select them. */
class PromqlSelectorsTest {
  static Stream<Arguments> expressions() {
    return Stream.of(
        Arguments.of("up", "up"),
        Arguments.of("up == 0", "up"),
        Arguments.of("  distvault_blobs  ", "distvault_blobs"),
        Arguments.of("rate(distvault_bytes_served_total[5m])", "distvault_bytes_served_total"),
        Arguments.of("sum by (job, instance) (increase(a_total{kind=\"x\"}[10m])) > 0 and on (job, instance) b{mode=\"offline\"} == 1",
            "a_total b"),
        Arguments.of("sum(rate(a[1m])) without (le, route) / ignoring(route) group_left(kind) b", "a b"),
        Arguments.of("histogram_quantile(0.99, sum by (le) (rate(d_bucket{route=~\"pkg|by_hash\"}[$__rate_interval])))", "d_bucket"),
        Arguments.of("time() - (last_ts{job=\"$job\", instance=~\"$instance\"} > 0)", "last_ts"),
        Arguments.of("a offset 5m + b @ start() - c @ 1609746000 unless d offset -1h30m", "a b c d"),
        Arguments.of("a > bool 1e-3 or b < Inf and c != NaN or d > 0x1F", "a b c d"),
        Arguments.of("label_replace(a, \"dst\", \"$1 b{c}\", \"src\", \"(.*)\")", "a"),
        Arguments.of("count_values('version', build_info) and `x` != y", "build_info y"),
        Arguments.of("topk(5, sum by (kind) (x)) AND ON (kind) y", "x y"),
        Arguments.of("max_over_time(a[1h:5m]) / ${scale} * $__range_s", "a"),
        Arguments.of("{__name__=\"named\", job=\"j\"} + recorded:rule:rate5m", "named recorded:rule:rate5m"),
        Arguments.of("a{l=\"}\\\"{\"} # a comment naming not_a_metric\n + b", "a b"),
        Arguments.of("sum\n  by (x)\n  (a)", "a"),
        Arguments.of("vector(1) + scalar(a) + absent(b{c=\"d\"})", "a b"));
  }

  @ParameterizedTest
  @MethodSource("expressions")
  void metricNamesAreTheSelectorsOnly(String expr, String names) {
    assertEquals(new TreeSet<>(List.of(names.split(" "))), PromqlSelectors.metricNames(expr), expr);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a{l=\"x\"", "a{l=\"x}", "a{l}", "a{l=x}", "rate(a[5m)", "{job=\"x\"}",
      "{__name__=~\"a.*\"}", "a{__name__=\"b\"}"})
  void malformedOrUncheckableSelectorsAreRefused(String expr) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromqlSelectors.of(expr));
    assertTrue(e.getMessage().endsWith(" of: " + expr), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"x{a=\"1\", b!=\"2\", c=~\"3\", d!~\"4\",}", "x {a='1',b!=\"2\",c=~`3`,d!~\"4\"}"})
  void matcherLabelsAreCollected(String expr) {
    assertEquals(List.of(new Selector("x", Set.of("a", "b", "c", "d"))), PromqlSelectors.of(expr));
  }
}

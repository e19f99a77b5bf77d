package org.distvault.server.status;

import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The last hour's hits, misses and violations per minute as an inline SVG line chart: one
 * polyline per series over a shared scale, drawn by the browser without script or external files.
 */
final class RateChart {
  static final int WIDTH = 600;
  static final int HEIGHT = 140;
  private static final int PAD = 24;

  /** A series: its name, colour, dash pattern and count per bucket. */
  private record Series(String name, String colour, String dashes, ToLongFunction<RateHistory.Bucket> count) {}

  // Offline, every miss is a violation: the violations' line is dashed so the misses' shows under it.
  private static final List<Series> SERIES = List.of(
      new Series("hits", "#2e7d32", "none", RateHistory.Bucket::hits),
      new Series("misses", "#ef6c00", "none", RateHistory.Bucket::misses),
      new Series("violations", "#c62828", "4 3", RateHistory.Bucket::violations));

  private RateChart() {}

  static String svg(List<RateHistory.Bucket> buckets) {
    long max = 1;
    for (RateHistory.Bucket b : buckets) {
      for (Series s : SERIES) {
        max = Math.max(max, s.count().applyAsLong(b));
      }
    }
    double plotW = WIDTH - 2.0 * PAD;
    double plotH = HEIGHT - 2.0 * PAD;
    double step = buckets.size() > 1 ? plotW / (buckets.size() - 1) : 0;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg id=\"rates\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"requests per minute over the last hour\">\n");
    svg.append("<rect x=\"").append(PAD).append("\" y=\"").append(PAD).append("\" width=\"").append((int) plotW)
        .append("\" height=\"").append((int) plotH).append("\" fill=\"none\" stroke=\"#bbb\"/>\n");
    svg.append("<text x=\"2\" y=\"").append(PAD + 4).append("\" font-size=\"10\">").append(max).append("/min</text>\n");
    svg.append("<text x=\"2\" y=\"").append(HEIGHT - PAD + 4).append("\" font-size=\"10\">0</text>\n");
    svg.append("<text x=\"").append(PAD).append("\" y=\"").append(HEIGHT - 6)
        .append("\" font-size=\"10\">-60 min</text>\n");
    svg.append("<text x=\"").append(WIDTH - PAD).append("\" y=\"").append(HEIGHT - 6)
        .append("\" font-size=\"10\" text-anchor=\"end\">now</text>\n");
    for (Series s : SERIES) {
      svg.append("<polyline class=\"").append(s.name()).append("\" fill=\"none\" stroke=\"").append(s.colour())
          .append("\" stroke-dasharray=\"").append(s.dashes()).append("\" stroke-width=\"1.5\" points=\"");
      for (int i = 0; i < buckets.size(); i++) {
        double x = PAD + i * step;
        double y = PAD + plotH - plotH * s.count().applyAsLong(buckets.get(i)) / max;
        svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("\"/>\n");
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** The legend: each series' colour, name and total over the hour. */
  static String legend(List<RateHistory.Bucket> buckets) {
    StringBuilder b = new StringBuilder("<p class=\"legend\">");
    for (Series s : SERIES) {
      long total = buckets.stream().mapToLong(s.count()).sum();
      b.append("<span style=\"color:").append(s.colour()).append("\">&#9632;</span> ").append(s.name())
          .append(": <span id=\"total-").append(s.name()).append("\">").append(total).append("</span> &nbsp; ");
    }
    return b.append("(last hour, per minute)</p>\n").toString();
  }
}

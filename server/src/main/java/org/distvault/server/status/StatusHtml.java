package org.distvault.server.status;

import static org.distvault.server.status.Html.bytes;
import static org.distvault.server.status.Html.escape;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.distvault.server.admin.ingest.ScrubRunner;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationReport;
import org.distvault.storage.record.SetSummary;
import org.distvault.storage.record.StoreStats;

/**
 * The body of {@code GET /} and {@code /status}: a {@link StatusSnapshot} as one self-contained
 * HTML page. No script, no external file: styles are inline, the chart is inline SVG, the set is
 * chosen with a plain form, and a {@code meta refresh} reloads it every {@value #REFRESH_SECONDS}
 * s, so it works offline and with script disabled (the handler's Content-Security-Policy forbids
 * script anyway). Client addresses appear only in the admin's snapshot.
 */
final class StatusHtml {
  static final int REFRESH_SECONDS = 60;

  private static final String STYLE = """
      body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:80em}
      h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.6em 0 .4em;border-bottom:1px solid #ddd}
      table{border-collapse:collapse}th,td{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;
      vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      td.t{white-space:nowrap}
      code{font-size:12px;word-break:break-all}.ok{color:#2e7d32}.bad{color:#c62828;font-weight:bold}
      .sealed{color:#1565c0}.muted{color:#777}dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}
      dt{color:#555}dd{margin:0}
      """;

  private StatusHtml() {}

  static String of(StatusSnapshot s) {
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>distvault status</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
    summary(b, s);
    sets(b, s);
    rates(b, s);
    report(b, s);
    recent(b, s);
    b.append("<p class=\"muted\">Read at ").append(at(s.at())).append("; reloads every ").append(REFRESH_SECONDS)
        .append(" s. The same data as JSON: <a href=\"status.json\">status.json</a>.</p>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void summary(StringBuilder b, StatusSnapshot s) {
    StoreStats st = s.store();
    b.append("<h1>distvault</h1>\n<dl id=\"summary\">\n");
    item(b, "version", escape(s.version()));
    item(b, "uptime", Html.duration(s.uptime()));
    item(b, "mode", "<strong>" + s.mode().wireName() + "</strong>");
    StringBuilder health = new StringBuilder(s.health().isEmpty() ? "<span class=\"ok\">ok</span>"
        : "<span class=\"bad\">degraded</span>");
    s.health().forEach((c, detail) -> health.append("<br>").append(c.wireName()).append(": ").append(escape(detail)));
    item(b, "health", health.toString());
    item(b, "cache size", bytes(st.blobBytes()) + " in <span id=\"blobs\">" + st.blobs() + "</span> blobs");
    item(b, "free space", bytes(s.freeBytes()));
    item(b, "distfiles", st.present() + " present, " + st.missing() + " missing, " + st.failed() + " failed");
    item(b, "last scrub", s.lastScrub().map(StatusHtml::scrub).orElse("<span class=\"muted\">never</span>"));
    b.append("</dl>\n");
  }

  private static String scrub(ScrubRunner.Last l) {
    boolean clean = l.corrupt() == 0 && l.missing() == 0;
    return at(l.at()) + ": " + l.checked() + " blobs (" + bytes(l.bytes()) + ") checked, "
        + "<span class=\"" + (clean ? "ok" : "bad") + "\">" + l.corrupt() + " corrupt, " + l.missing()
        + " missing</span>";
  }

  private static void sets(StringBuilder b, StatusSnapshot s) {
    b.append("<h2>Source sets</h2>\n<table id=\"sets\">\n<tr><th>set</th><th>state</th><th>seal</th><th>sealed at</th>")
        .append("<th class=\"n\">entries</th><th class=\"n\">present</th><th class=\"n\">missing</th>")
        .append("<th class=\"n\">failed</th><th class=\"n\">bytes</th></tr>\n");
    for (SetSummary set : s.sets()) {
      String name = set.name().value();
      b.append("<tr data-set=\"").append(escape(name)).append("\"><td><a href=\"?set=")
          .append(escape(URLEncoder.encode(name, StandardCharsets.UTF_8))).append("\">").append(escape(name))
          .append("</a></td><td class=\"state ").append(set.state()).append("\">").append(set.state()).append("</td>")
          .append("<td class=\"seal\"><code>").append(set.seal().map(x -> escape(x.digest())).orElse(""))
          .append("</code></td><td class=\"t\">").append(set.seal().map(x -> at(x.at())).orElse("")).append("</td>");
      cell(b, "entries", set.entries());
      cell(b, "present", set.present());
      cell(b, "missing", set.missing());
      cell(b, "failed", set.failed());
      b.append("<td class=\"n bytes\" title=\"").append(set.bytes()).append(" bytes\">").append(bytes(set.bytes()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void rates(StringBuilder b, StatusSnapshot s) {
    b.append("<h2>Requests</h2>\n").append(RateChart.svg(s.rates())).append(RateChart.legend(s.rates()));
  }

  private static void report(StringBuilder b, StatusSnapshot s) {
    ViolationReport r = s.report();
    String set = s.reportSet().value();
    b.append("<h2>Violations per package in set <span id=\"report-set\">").append(escape(set)).append("</span></h2>\n")
        .append("<form method=\"get\"><label>set <select name=\"set\">");
    for (SetSummary option : s.sets()) {
      String name = escape(option.name().value());
      b.append("<option value=\"").append(name).append('"')
          .append(option.name().equals(s.reportSet()) ? " selected" : "").append('>').append(name).append("</option>");
    }
    b.append("</select></label> <button>show</button></form>\n<p><span id=\"report-count\">").append(r.violations())
        .append("</span> violations").append(r.truncated() ? " (truncated: only the oldest "
            + StatusCollector.REPORT_SCAN + " of the log were read)" : "").append("</p>\n")
        .append("<table id=\"report\">\n<tr><th>package</th><th>distfile</th><th>kind</th><th class=\"n\">count</th>")
        .append("<th>reason</th>").append(s.detail() ? "<th>clients</th>" : "").append("</tr>\n");
    for (ViolationReport.Package p : r.packages()) {
      for (ViolationReport.Distfile d : p.distfiles()) {
        b.append("<tr><td class=\"package\">").append(escape(p.pkgpath())).append("</td><td class=\"distfile\">")
            .append(escape(d.name())).append("</td><td class=\"kind\">").append(d.kind().wireName())
            .append("</td><td class=\"n count\">").append(d.count()).append("</td><td class=\"reason\">")
            .append(escape(d.reason())).append("</td>");
        if (s.detail()) {
          b.append("<td class=\"clients\">").append(escape(String.join(", ", d.clients()))).append("</td>");
        }
        b.append("</tr>\n");
      }
    }
    b.append("</table>\n");
  }

  private static void recent(StringBuilder b, StatusSnapshot s) {
    b.append("<h2>Last ").append(StatusCollector.RECENT).append(" violations</h2>\n<table id=\"violations\">\n")
        .append("<tr><th class=\"n\">#</th><th>time</th><th>kind</th><th>set</th><th>distfile</th><th>package</th>")
        .append("<th>reason</th>").append(s.detail() ? "<th>client</th>" : "").append("</tr>\n");
    for (Violation v : s.recent()) {
      String pkg = v.pkgpath().orElse(String.join(" ", v.pkgpaths()));
      b.append("<tr><td class=\"n\">").append(v.cursor()).append("</td><td class=\"t\">").append(at(v.time()))
          .append("</td><td>").append(v.kind().wireName()).append("</td><td>").append(escape(v.set().value()))
          .append("</td><td class=\"distfile\">").append(escape(v.name())).append("</td><td>").append(escape(pkg))
          .append("</td><td>").append(escape(v.reason())).append("</td>");
      if (s.detail()) {
        b.append("<td class=\"client\">").append(escape(v.client())).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void item(StringBuilder b, String term, String html) {
    b.append("<dt>").append(term).append("</dt><dd id=\"").append(term.replace(' ', '-')).append("\">").append(html)
        .append("</dd>\n");
  }

  private static void cell(StringBuilder b, String cls, long n) {
    b.append("<td class=\"n ").append(cls).append("\">").append(n).append("</td>");
  }

  private static String at(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

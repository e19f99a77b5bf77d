package org.distvault.prefetch.run;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.OutcomeJson;

/**
 * Writes a {@link PrefetchReport} as JSON and as pbulk's per-package failure list.
 *
 * <p>JSON: {@code {"started","seconds","cleanedSpoolFiles","summary":{entries,ok,present,failed,bytes},
 * "runErrors":[...],"outcomes":[...]}}, each outcome in {@link OutcomeJson}'s report form (the
 * server's outcome line plus bytes, millis and attempts). The failure list has one
 * line per failed distfile and package: {@code PKGPATH<TAB>distfile<TAB>reason} ({@code -} when
 * the manifest named no package).
 */
public final class ReportWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private ReportWriter() {}

  /** More top-level fields of the JSON report (e.g. pbulk's marks), written after the others. */
  @FunctionalInterface
  public interface ExtraFields {
    void write(JsonGenerator g) throws IOException;
  }

  /** Writes the JSON report; does not close {@code out}. */
  public static void writeJson(PrefetchReport report, OutputStream out) throws IOException {
    writeJson(report, g -> { }, out);
  }

  /** Writes the JSON report with {@code extra} fields at its end; does not close {@code out}. */
  public static void writeJson(PrefetchReport report, ExtraFields extra, OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("started", report.started().toString());
      g.writeNumberField("seconds", report.elapsed().toMillis() / 1000.0);
      g.writeNumberField("cleanedSpoolFiles", report.cleanedSpoolFiles());
      PrefetchReport.Summary s = report.summary();
      g.writeObjectFieldStart("summary");
      g.writeNumberField("entries", s.entries());
      g.writeNumberField("ok", s.ok());
      g.writeNumberField("present", s.present());
      g.writeNumberField("failed", s.failed());
      g.writeNumberField("bytes", s.bytes());
      g.writeStringField("result", report.result().name().toLowerCase(java.util.Locale.ROOT));
      g.writeEndObject();
      g.writeArrayFieldStart("runErrors");
      for (String e : report.runErrors()) {
        g.writeString(e);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("outcomes");
      for (Outcome o : report.outcomes()) {
        OutcomeJson.writeForReport(g, o);
      }
      g.writeEndArray();
      extra.write(g);
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  /** Writes {@code PKGPATH<TAB>distfile<TAB>reason} lines for every failure; does not close {@code out}. */
  public static void writeFailureList(PrefetchReport report, Writer out) throws IOException {
    for (Outcome o : report.failures()) {
      String reason = oneLine(o.reason());
      if (o.entry().pkgpaths().isEmpty()) {
        out.write("-\t" + o.entry().name().value() + "\t" + reason + "\n");
      }
      for (String pkgpath : o.entry().pkgpaths()) {
        out.write(pkgpath + "\t" + o.entry().name().value() + "\t" + reason + "\n");
      }
    }
    out.flush();
  }

  /** Tabs and line breaks would break the line format: turn them into spaces. */
  static String oneLine(String s) {
    return s.replaceAll("[\\t\\r\\n]+", " ");
  }
}

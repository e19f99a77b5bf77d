package org.distvault.prefetch.pbulk;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.source.SourceProblem;

/**
 * What {@link PbulkFailureMarker#mark} did.
 *
 * @param errorFile pbulk's {@code meta/error}
 * @param bulklog pbulk's log directory
 * @param marked packages newly listed in the error file, each with a fresh log
 * @param alreadyListed failed packages the error file listed already: left as they were
 * @param alreadyBuilt failed packages {@code meta/success} lists (a restarted build): not marked,
 *     pbulk does not build them again
 */
public record MarkResult(
    Path errorFile, Path bulklog, List<FailedPackage> marked, List<FailedPackage> alreadyListed,
    List<FailedPackage> alreadyBuilt) {

  public MarkResult {
    marked = List.copyOf(marked);
    alreadyListed = List.copyOf(alreadyListed);
    alreadyBuilt = List.copyOf(alreadyBuilt);
  }

  /** The PKGNAMEs of {@link #marked()}, in presolve order. */
  public List<String> markedNames() {
    return marked.stream().map(FailedPackage::pkgname).toList();
  }

  /**
   * Writes the report's {@code pbulk} field: {@code {"errorFile","bulklog","marked":[{"pkgname",
   * "pkgpath","multiVersion":{VAR:value},"log","distfiles":[{"name","reason"}],"scanErrors":[...]}],
   * "alreadyListed":[PKGNAME...],"alreadyBuilt":[PKGNAME...]}}.
   */
  public void writeJson(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("pbulk");
    g.writeStringField("errorFile", errorFile.toString());
    g.writeStringField("bulklog", bulklog.toString());
    g.writeArrayFieldStart("marked");
    for (FailedPackage p : marked) {
      g.writeStartObject();
      g.writeStringField("pkgname", p.pkgname());
      g.writeStringField("pkgpath", p.ref().pkgpath());
      g.writeObjectFieldStart("multiVersion");
      for (Map.Entry<String, String> v : p.ref().multiVersion().entrySet()) {
        g.writeStringField(v.getKey(), v.getValue());
      }
      g.writeEndObject();
      g.writeStringField("log", PackageLog.path(bulklog, p.pkgname()).toString());
      g.writeArrayFieldStart("distfiles");
      for (Outcome o : p.distfiles()) {
        g.writeStartObject();
        g.writeStringField("name", o.entry().name().value());
        g.writeStringField("reason", o.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("scanErrors");
      for (SourceProblem e : p.scanErrors()) {
        g.writeString(e.toString());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    names(g, "alreadyListed", alreadyListed);
    names(g, "alreadyBuilt", alreadyBuilt);
    g.writeEndObject();
  }

  private static void names(JsonGenerator g, String field, List<FailedPackage> packages) throws IOException {
    g.writeArrayFieldStart(field);
    for (FailedPackage p : packages) {
      g.writeString(p.pkgname());
    }
    g.writeEndArray();
  }
}

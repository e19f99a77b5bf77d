package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distvault gc}: has the server count, and with {@code --apply} delete, the garbage blobs. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
        "Has the server report garbage blobs, or delete them.",
        "Calls POST /api/v1/gc. A blob is live when a filling set expects or binds it, when a sealed set's seal "
            + "contains it, or when one of the last --keep-seals seals of a set contains it; every other blob is "
            + "garbage. Without --apply nothing is deleted.",
        "Output on stdout: text (the garbage count and bytes, the 20 largest garbage blobs with their names, "
            + "what each set keeps and why, then what was freed and how many seal listings were pruned) or json "
            + "(the server's report)."})
final class GcCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = "--keep-seals", paramLabel = "N", defaultValue = "2",
      description = "How many of each set's last seals keep their blobs (default: ${DEFAULT-VALUE})")
  int keepSeals;

  @Option(names = "--apply", description = "Delete the garbage (default: only report it)")
  boolean apply;

  @Mixin OutputFormat output;

  @Override
  public Integer call() throws CliException {
    boolean json = output.json();
    if (keepSeals < 0 || keepSeals > 16) {
      throw new CliException(ExitCode.USAGE, "--keep-seals must be from 0 to 16, got " + keepSeals);
    }
    JsonNode report = server.client().send("POST", "api/v1/gc",
        "{\"keepSeals\":" + keepSeals + ",\"apply\":" + apply + "}");
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(report.toString());
    } else {
      text(report).forEach(out::println);
    }
    out.flush();
    return ExitCode.OK;
  }

  /** The report as text lines. */
  static List<String> text(JsonNode r) {
    List<String> lines = new ArrayList<>();
    lines.add("garbage: " + r.path("garbage").path("count").asLong() + " blobs, "
        + r.path("garbage").path("bytes").asLong() + " bytes (keeping " + r.path("keepSeals").asInt()
        + " seals per set)");
    if (!r.path("largest").isEmpty()) {
      lines.add("largest:");
      for (JsonNode g : r.path("largest")) {
        StringBuilder names = new StringBuilder();
        for (JsonNode n : g.path("names")) {
          names.append(names.length() == 0 ? "" : " ").append(n.asText());
        }
        lines.add("  " + g.path("size").asLong() + "\tsha512:" + g.path("sha512").asText() + "\t"
            + (names.length() == 0 ? "-" : names));
      }
    }
    lines.add("kept:");
    for (Iterator<Map.Entry<String, JsonNode>> it = r.path("keptBy").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> k = it.next();
      lines.add("  " + k.getKey() + "\t" + k.getValue().path("count").asLong() + " blobs\t"
          + k.getValue().path("bytes").asLong() + " bytes\tby " + k.getValue().path("by").asText());
    }
    if (r.path("applied").asBoolean()) {
      lines.add("freed: " + r.path("freed").path("count").asLong() + " blobs, "
          + r.path("freed").path("bytes").asLong() + " bytes");
      long pruned = r.path("sealListings").path("pruned").asLong();
      if (pruned > 0) {
        lines.add("seal listings pruned: " + pruned);
      }
    } else {
      long unreferenced = r.path("sealListings").path("unreferenced").asLong();
      if (unreferenced > 0) {
        lines.add("seal listings no longer referenced: " + unreferenced);
      }
      lines.add("nothing deleted: run with --apply to delete the garbage");
    }
    return lines;
  }
}

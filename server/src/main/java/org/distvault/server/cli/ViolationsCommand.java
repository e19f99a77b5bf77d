package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.AdminCalls;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import org.distvault.prefetch.cli.SetNameArg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distvault violations}: lists the recorded violations after a cursor. */
@Command(
    name = "violations",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the recorded violations (offline misses), oldest first.",
        "Output on stdout: text (one tab-separated line each: cursor, time, kind, packages, name, client, "
            + "reason) or json (one object per line). The last line on stderr gives the cursor to pass as "
            + "--since next time."})
final class ViolationsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = "--since", paramLabel = "CURSOR", defaultValue = "0",
      description = "Only violations after this cursor (default: ${DEFAULT-VALUE}, all)")
  long since;

  @Mixin OutputFormat output;

  @Option(names = "--run", paramLabel = "ID", description = "Only violations of this bulk-build run (/run/<ID>/ URLs)")
  String run;

  @Option(names = "--set", paramLabel = "NAME",
      description = "Only violations of this source set (/set/<NAME>/ URLs; 'default' for the URLs without /set/)")
  String set;

  @Override
  public Integer call() throws CliException {
    boolean json = output.json();
    if (since < 0) {
      throw new CliException(ExitCode.USAGE, "--since must not be negative");
    }
    if (run != null && !run.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new CliException(ExitCode.USAGE, "--run must be 1-64 of A-Z a-z 0-9 . _ -");
    }
    if (set != null) {
      SetNameArg.checkOption("--set", set);
    }
    AdminCalls client = server.client();
    PrintWriter out = spec.commandLine().getOut();
    long[] count = {0};
    long cursor = client.violations(since, (run == null ? "" : "&run=" + run) + (set == null ? "" : "&set=" + set),
        v -> {
          out.println(json ? v.toString() : text(v));
          count[0]++;
        });
    out.flush();
    spec.commandLine().getErr().println("violations: " + count[0] + " listed; next cursor: " + cursor);
    return ExitCode.OK;
  }

  private static String text(JsonNode v) {
    List<String> pkgs = new ArrayList<>();
    if (v.hasNonNull("pkgpath")) {
      pkgs.add(v.get("pkgpath").asText());
    } else {
      v.path("pkgpaths").forEach(p -> pkgs.add(p.asText()));
    }
    return String.join("\t",
        v.path("cursor").asText(),
        v.path("time").asText(),
        v.path("kind").asText(),
        pkgs.isEmpty() ? "-" : String.join(",", pkgs),
        v.path("name").asText(),
        v.path("client").asText(),
        v.path("reason").asText());
  }
}

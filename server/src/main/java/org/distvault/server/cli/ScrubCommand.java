package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code distvault scrub}: has the server re-hash every blob now. */
@Command(
    name = "scrub",
    mixinStandardHelpOptions = true,
    description = {
        "Has the server re-hash every stored blob now.",
        "Calls POST /api/v1/scrub. Corrupt blobs are quarantined and dropped from the catalog, and so are "
            + "recorded blobs whose file is gone. Prints the server's JSON report on stdout and a summary on "
            + "stderr. Exit 1 when corrupt or missing blobs were found."})
final class ScrubCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Override
  public Integer call() throws CliException {
    JsonNode report = server.client().send("POST", "api/v1/scrub", "{}");
    PrintWriter out = spec.commandLine().getOut();
    out.println(report.toString());
    out.flush();
    int corrupt = report.path("corrupt").size();
    int missing = report.path("missing").size();
    spec.commandLine().getErr().println("scrub: checked " + report.path("checked").asLong() + " blobs ("
        + report.path("bytes").asLong() + " bytes), " + corrupt + " corrupt, " + missing + " missing");
    return corrupt == 0 && missing == 0 ? ExitCode.OK : ExitCode.FAILED;
  }
}

package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.AdminCalls;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import org.distvault.server.mode.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code distvault mode [online|offline]}: shows or sets the server's mode. */
@Command(
    name = "mode",
    mixinStandardHelpOptions = true,
    description = {
        "Shows or sets the server's mode (online or offline).",
        "A change is audited with the token's id and your address. Going offline seals the cache: no "
            + "outbound connections, uploads refused, every miss a violation. Prints the server's JSON answer "
            + "on stdout and a summary on stderr."})
final class ModeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", arity = "0..1", paramLabel = "online|offline", converter = ModeConverter.class,
      description = "The mode to set; omit to show the current one")
  Mode mode;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the audit log)")
  String reason;

  @Override
  public Integer call() throws CliException {
    AdminCalls client = server.client();
    JsonNode state;
    if (mode == null) {
      if (reason != null) {
        throw new CliException(ExitCode.USAGE, "--reason needs a mode to set");
      }
      state = client.get("api/v1/mode");
    } else {
      ObjectNode request = AdminCalls.JSON.createObjectNode().put("mode", mode.wireName());
      if (reason != null) {
        request.put("reason", reason);
      }
      state = client.send("PUT", "api/v1/mode", request.toString());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(state.toString());
    out.flush();
    JsonNode seal = state.path("seal");
    spec.commandLine().getErr().println("mode: " + state.path("mode").asText()
        + " (since " + state.path("changedAt").asText() + ", by " + state.path("changedBy").asText() + ")"
        + (seal.isObject() ? "; seal " + seal.path("digest").asText() + " over " + seal.path("entries").asLong()
            + " entries" : ""));
    return ExitCode.OK;
  }
}

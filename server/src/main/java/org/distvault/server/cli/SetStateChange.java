package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import org.distvault.prefetch.cli.AdminCalls;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import org.distvault.prefetch.cli.SetNameArg;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code distvault seal} and {@code distvault unseal} share: one {@code PUT /api/v1/sets/<set>/state}. */
final class SetStateChange {
  private SetStateChange() {}

  /**
   * Sets {@code set} to {@code state}; prints the server's answer on stdout and a summary on
   * stderr.
   */
  static int run(CommandSpec spec, ServerOptions server, String set, String state, String reason)
      throws CliException {
    String name = SetNameArg.check(set);
    AdminCalls client = server.client();
    ObjectNode request = AdminCalls.JSON.createObjectNode().put("state", state);
    if (reason != null) {
      request.put("reason", reason);
    }
    JsonNode reply = client.send("PUT", "api/v1/sets/" + name + "/state", request.toString());
    PrintWriter out = spec.commandLine().getOut();
    out.println(reply.toString());
    out.flush();
    JsonNode seal = reply.path("seal");
    JsonNode previous = reply.path("previousSeal");
    String what = reply.path("changed").asBoolean() ? "now " + state : "already " + state + " (nothing changed)";
    spec.commandLine().getErr().println("set " + name + ": " + what
        + (seal.isObject() ? "; seal " + seal.path("digest").asText() + " over " + seal.path("entries").asLong()
            + " entries at " + seal.path("at").asText() : "")
        + (!seal.isObject() && previous.isObject() ? "; the seal " + previous.path("digest").asText() + " ended" : ""));
    return ExitCode.OK;
  }
}

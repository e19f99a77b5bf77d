package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.AdminCalls;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import org.distvault.prefetch.cli.SetNameArg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code distvault sets [--format text|json]} lists the server's source sets; {@code distvault sets
 * delete NAME} deletes one. The action is a positional word rather than a picocli subcommand, so
 * that {@code --server} and {@code --token-file} go anywhere on the line.
 */
@Command(
    name = "sets",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the server's source sets, or deletes one.",
        "A source set is the distfiles of one bulk build: filled by `distvault prefetch --set NAME`, sealed "
            + "and unsealed on its own (`distvault seal`, `distvault unseal`); the set default is what every "
            + "route without /set/NAME/ uses.",
        "Output on stdout: text (a header line, then one tab-separated line per set: name, state, entries, "
            + "present, missing, bytes, seal digest, sealed at; '-' for none) or json (the server's "
            + "{\"sets\":[...]}). Deleting removes the set's expectations and bindings, never blobs, and prints "
            + "{\"name\":...,\"deleted\":N}; a sealed set must be unsealed first, and default cannot be deleted."})
final class SetsCommand implements Callable<Integer> {
  static final String HEADER = String.join("\t",
      "name", "state", "entries", "present", "missing", "bytes", "seal", "sealedAt");

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", arity = "0..1", paramLabel = "delete", description = "Delete set NAME")
  String action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The set to delete")
  String name;

  @Mixin OutputFormat output;

  @Override
  public Integer call() throws CliException {
    boolean json = output.json();
    if (action != null) {
      if (!action.equals("delete")) {
        throw new CliException(ExitCode.USAGE, "unknown action '" + action + "': expected delete NAME, or nothing");
      }
      if (name == null) {
        throw new CliException(ExitCode.USAGE, "sets delete needs the NAME of the set to delete");
      }
      if (name.equals("default")) {
        throw new CliException(ExitCode.USAGE, "the set default cannot be deleted");
      }
      return delete(SetNameArg.check(name));
    }
    JsonNode reply = server.client().get("api/v1/sets");
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(reply.toString());
    } else {
      out.println(HEADER);
      for (JsonNode s : reply.path("sets")) {
        out.println(text(s));
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private int delete(String set) throws CliException {
    AdminCalls client = server.client();
    JsonNode reply = client.send("DELETE", "api/v1/sets/" + set, "");
    PrintWriter out = spec.commandLine().getOut();
    out.println(reply.toString());
    out.flush();
    spec.commandLine().getErr().println("sets: deleted " + set + " (" + reply.path("deleted").asLong()
        + " distfile names; blobs are kept)");
    return ExitCode.OK;
  }

  /** One set as a text line. */
  static String text(JsonNode s) {
    JsonNode seal = s.path("seal");
    return String.join("\t",
        s.path("name").asText(),
        s.path("state").asText(),
        s.path("entries").asText(),
        s.path("present").asText(),
        // Not present, whether the prefetch failed or never ran: what the build would miss.
        Long.toString(s.path("entries").asLong() - s.path("present").asLong()),
        s.path("bytes").asText(),
        seal.isObject() ? seal.path("digest").asText() : "-",
        seal.isObject() ? seal.path("at").asText() : "-");
  }
}

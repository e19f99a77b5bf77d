package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distvault backup}: has the server write a point-in-time backup of its store. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
        "Has the server write a point-in-time backup of its store.",
        "The backup is consistent and goes into a directory on the server's machine (not this one's), while the "
            + "server keeps serving.",
        "Calls POST /api/v1/backup. The backup holds a RocksDB checkpoint of the catalog, the blob files (hard "
            + "links when DIR is on the data directory's file system, verified copies otherwise), the seal "
            + "listings, store.state, the violations log and a manifest, backup.json; not the admin token. "
            + "Restore with 'distvault serve --data DIR'. Prints the manifest JSON on stdout and a summary on "
            + "stderr. Exit 1 when blobs recorded in the backup had lost their file. A backup that copies (DIR on another "
            + "file system) takes as long as reading the store: raise --timeout for a large one."})
final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = "--to", required = true, paramLabel = "DIR",
      description = "Absolute directory ON THE SERVER'S MACHINE (written by the server process) that does not exist "
          + "or is empty; best on the data directory's file system, so that blobs are hard-linked.")
  String to;

  @Override
  public Integer call() throws CliException {
    if (!Path.of(to).isAbsolute()) {
      throw new CliException(ExitCode.USAGE, "--to must be an absolute directory on the server's machine, got " + to);
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("to", to);
    JsonNode m = server.client().send("POST", "api/v1/backup", body.toString());
    PrintWriter out = spec.commandLine().getOut();
    out.println(m.toString());
    out.flush();
    JsonNode blobs = m.path("blobs");
    int missing = blobs.path("missing").size();
    int sealed = 0;
    for (JsonNode s : m.path("sets")) {
      sealed += "sealed".equals(s.path("state").asText()) ? 1 : 0;
    }
    spec.commandLine().getErr().println("backup: " + m.path("directory").asText() + " as of " + m.path("time").asText()
        + ": " + m.path("sets").size() + " sets (" + sealed + " sealed), " + blobs.path("count").asLong() + " blobs ("
        + blobs.path("bytes").asLong() + " bytes; " + blobs.path("linked").asLong() + " linked, "
        + blobs.path("copied").asLong() + " copied" + (missing == 0 ? "" : ", " + missing + " missing") + "), "
        + m.path("violations").path("count").asLong() + " violations; restore with: distvault serve --data "
        + m.path("directory").asText());
    return missing == 0 ? ExitCode.OK : ExitCode.FAILED;
  }
}

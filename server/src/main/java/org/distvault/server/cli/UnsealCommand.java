package org.distvault.server.cli;

import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code distvault unseal NAME}: lets one source set fill again. */
@Command(
    name = "unseal",
    mixinStandardHelpOptions = true,
    description = {
        "Unseals one source set so that it fills again.",
        "Uploads into the set are accepted again, and misses read through when the server runs with --upstream.",
        "Audited with the token's id and your address. Prints the server's JSON answer on stdout (\"seal\":null, "
            + "\"previousSeal\" the seal that ended) and a summary on stderr. While the server is offline the set "
            + "default cannot be unsealed: `distvault mode online` does that."})
final class UnsealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "NAME", description = "The set to unseal")
  String name;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the set's audit trail)")
  String reason;

  @Override
  public Integer call() throws CliException {
    return SetStateChange.run(spec, server, name, "filling", reason);
  }
}

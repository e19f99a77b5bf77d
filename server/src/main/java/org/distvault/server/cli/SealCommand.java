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

/** {@code distvault seal NAME}: seals one source set. */
@Command(
    name = "seal",
    mixinStandardHelpOptions = true,
    description = {
        "Seals one source set while the other sets keep filling.",
        "The set's bindings are frozen (what is being bound lands before the seal or is refused), every miss "
            + "through /set/NAME/ is a violation, and the set never causes an outbound connection.",
        "Audited with the token's id and your address. Prints the server's JSON answer on stdout (name, state, "
            + "seal with its digest, entries and time, previousSeal, changed) and a summary on stderr. Sealing a "
            + "sealed set changes nothing (changed false, exit 0)."})
final class SealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "NAME", description = "The set to seal")
  String name;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the set's audit trail)")
  String reason;

  @Override
  public Integer call() throws CliException {
    return SetStateChange.run(spec, server, name, "sealed", reason);
  }
}

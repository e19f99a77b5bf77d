package org.distvault.prefetch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * One in-process run of this module's subcommands under a root named like the jar's ({@code
 * distvault}), through {@link CommandRunner} as the server's Main runs them: exit code, stdout and
 * stderr.
 */
record CliRun(int code, String out, String err) {
  @Command(name = "distvault", subcommands = {PrefetchCommand.class, ManifestCommand.class})
  static final class Root {}

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = CommandRunner.run(new CommandLine(new Root()), new PrintWriter(out, true), new PrintWriter(err, true),
        args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}

package org.distvault.server.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code distvault} command: one jar, one subcommand per job. Machine output goes to stdout,
 * logs and messages to stderr. Exit codes: {@link ExitCode}.
 */
@Command(
    name = "distvault",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Distfile cache for pkgsrc bulk builds with a sealed offline mode.",
    subcommands = {ServeCommand.class, ModeCommand.class, PrefetchCommand.class, ManifestCommand.class,
        ViolationsCommand.class, ScrubCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the job ran and something failed", "2:bad usage or bad input"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs the command line with these streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof CliException c) {
        cmd.getErr().println("distvault " + cmd.getCommandName() + ": " + c.getMessage());
        return c.exitCode();
      }
      cmd.getErr().println("distvault " + cmd.getCommandName() + ": failed: " + e);
      e.printStackTrace(cmd.getErr());
      return ExitCode.FAILED;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a subcommand: usage on stderr, exit 2. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"distvault " + (v == null ? "(development build)" : v)};
    }
  }
}

package org.distvault.server.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.distvault.prefetch.cli.CommandRunner;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.cli.ExportCommand;
import org.distvault.prefetch.cli.ImportCommand;
import org.distvault.prefetch.cli.ManifestCommand;
import org.distvault.prefetch.cli.PrefetchCommand;
import org.distvault.prefetch.cli.RefillCommand;
import org.distvault.server.BuildInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code distvault} command: one jar, one subcommand per job. Machine output goes to stdout,
 * logs and messages to stderr. Exit codes: {@link ExitCode}. {@code prefetch} and {@code manifest}
 * come from the prefetch tool's module (org.distvault.prefetch.cli); the rest are the server's.
 */
@Command(
    name = "distvault",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Distfile cache for pkgsrc bulk builds with a sealed offline mode.",
    subcommands = {ServeCommand.class, ModeCommand.class, SetsCommand.class, SealCommand.class,
        UnsealCommand.class, PrefetchCommand.class, RefillCommand.class, ExportCommand.class,
        ImportCommand.class, ManifestCommand.class, ViolationsCommand.class, ScrubCommand.class,
        GcCommand.class, BackupCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the job ran and something failed", "2:bad usage or bad input"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs the command line with these streams and this process's environment; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, System.getenv(), args);
  }

  /** Runs the command line with these streams and {@code serve}'s defaults from {@code env}. */
  static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    return CommandRunner.run(commandLine(env), out, err, args);
  }

  /** The command line with every subcommand, not yet run, {@code serve}'s defaults from {@code env}. */
  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new Main());
    cl.getSubcommands().get("serve").setDefaultValueProvider(new ServeDefaults(env));
    return cl;
  }

  /** Without a subcommand: usage on stderr, exit 2. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** The version and git commit the build recorded. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo build = BuildInfo.current();
      return new String[] {"distvault " + build.version() + " (revision " + build.revision() + ")"};
    }
  }
}

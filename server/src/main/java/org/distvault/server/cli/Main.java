package org.distvault.server.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the job ran and something failed", "2:bad usage or bad input"})
public final class Main implements Runnable {
  /** The subcommands, in the order {@code --help} lists them ({@code help} last). */
  private static final List<Class<?>> SUBCOMMANDS = List.of(ServeCommand.class, ModeCommand.class,
      SetsCommand.class, SealCommand.class, UnsealCommand.class, PrefetchCommand.class, RefillCommand.class,
      ExportCommand.class, ImportCommand.class, ManifestCommand.class, ViolationsCommand.class,
      ScrubCommand.class, GcCommand.class, BackupCommand.class);

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
    return CommandRunner.run(commandLine(env, args.length > 0 ? args[0] : null), out, err, args);
  }

  /** The command line with every subcommand, not yet run, {@code serve}'s defaults from {@code env}. */
  static CommandLine commandLine(Map<String, String> env) {
    return commandLine(env, null);
  }

  /**
   * The command line for arguments beginning with {@code first}: with only that subcommand when
   * it names one, else with all of them (for {@code --help}, {@code help NAME}, and the usage and
   * suggestions a wrong name gets). picocli builds a subcommand's model by reflection over all its
   * options when it is added: for all of them, about 0.1 s of CPU at every client's start.
   */
  static CommandLine commandLine(Map<String, String> env, String first) {
    CommandLine cl = new CommandLine(new Main());
    List<Class<?>> wanted = SUBCOMMANDS.stream().filter(c -> nameOf(c).equals(first)).toList();
    for (Class<?> c : wanted.isEmpty() ? SUBCOMMANDS : wanted) {
      cl.addSubcommand(c);
    }
    if (wanted.isEmpty()) {
      cl.addSubcommand(new CommandLine.HelpCommand());
    }
    CommandLine serve = cl.getSubcommands().get("serve");
    if (serve != null) {
      serve.setDefaultValueProvider(new ServeDefaults(env));
    }
    return cl;
  }

  private static String nameOf(Class<?> subcommand) {
    return subcommand.getAnnotation(Command.class).name();
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

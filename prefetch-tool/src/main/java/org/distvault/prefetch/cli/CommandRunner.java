package org.distvault.prefetch.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs a picocli command line the way every distvault subcommand ends: a {@link CliException}
 * becomes its exit code and a one-line message on stderr; any other exception is a failed job
 * (exit 1) with its stack trace. Bad usage is picocli's own exit 2 with the usage.
 */
public final class CommandRunner {
  private CommandRunner() {}

  /** Runs {@code cl} on {@code args} with these streams; returns the exit code. */
  public static int run(CommandLine cl, PrintWriter out, PrintWriter err, String... args) {
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof CliException c) {
        cmd.getErr().println(cl.getCommandName() + " " + cmd.getCommandName() + ": " + c.getMessage());
        return c.exitCode();
      }
      cmd.getErr().println(cl.getCommandName() + " " + cmd.getCommandName() + ": failed: " + e);
      e.printStackTrace(cmd.getErr());
      return ExitCode.FAILED;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}

package org.distvault.server.cli;

import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import picocli.CommandLine.Option;

/** {@code --format text|json} of the client commands that print a listing or a report. */
final class OutputFormat {
  @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
      description = "Output format (default: ${DEFAULT-VALUE})")
  String format;

  /**
   * Whether JSON was asked for.
   *
   * @throws CliException (usage) naming the value when it is neither text nor json
   */
  boolean json() throws CliException {
    if (!format.equals("text") && !format.equals("json")) {
      throw new CliException(ExitCode.USAGE, "--format must be text or json, got '" + format + "'");
    }
    return format.equals("json");
  }
}

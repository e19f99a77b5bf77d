package org.distvault.prefetch.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of every subcommand that talks to a running server. */
public final class ServerOptions {
  @Option(names = "--server", required = true, paramLabel = "URL",
      description = "The distvault server, e.g. http://cache:8080")
  String server;

  @Option(names = "--token-file", required = true, paramLabel = "FILE",
      description = "File whose first line is the admin token (serve's DATA/admin.token)")
  Path tokenFile;

  @Option(names = "--ca-file", paramLabel = "FILE",
      description = "For an https:// --server whose certificate a private CA signed: trust only the CA "
          + "certificates in this PEM file (default: the JVM's trusted CAs)")
  Path caFile;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "How long one request may take (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  /** Calls to the server with the token, checked: exit 2 naming the option when one is unusable. */
  public AdminCalls client() throws CliException {
    if (timeoutSeconds < 1) {
      throw new CliException(ExitCode.USAGE, "--timeout must be at least 1 second");
    }
    return AdminCalls.of(server, tokenFile, Duration.ofSeconds(timeoutSeconds), Optional.ofNullable(caFile));
  }
}

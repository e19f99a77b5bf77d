package org.distvault.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One in-process run of {@link Main}: exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {
  /** A run with an empty environment, so that no DISTVAULT_ variable of the caller's shell reaches serve. */
  static CliRun of(String... args) {
    return withEnv(Map.of(), args);
  }

  /** A run whose {@code serve} sees {@code env} as its environment. */
  static CliRun withEnv(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}

package org.distvault.prefetch.cli;

import org.distvault.storage.name.SetName;

/** A source set's name given on the command line, checked: bad usage (exit 2) naming the problem. */
public final class SetNameArg {
  private SetNameArg() {}

  /** {@code name}, when it is a set name. */
  public static String check(String name) throws CliException {
    return check("", name);
  }

  /** {@code name}, given to {@code option}, when it is a set name; the message names the option. */
  public static String checkOption(String option, String name) throws CliException {
    return check(option + ": ", name);
  }

  private static String check(String prefix, String name) throws CliException {
    String problem = SetName.problem(name);
    if (problem != null) {
      throw new CliException(ExitCode.USAGE, prefix + "invalid set name '" + name + "': " + problem);
    }
    return name;
  }
}

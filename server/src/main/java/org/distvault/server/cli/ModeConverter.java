package org.distvault.server.cli;

import org.distvault.server.mode.Mode;
import picocli.CommandLine;

/** Parses {@code online} or {@code offline}. */
final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
  @Override
  public Mode convert(String value) {
    return Mode.byWireName(value).orElseThrow(() ->
        new CommandLine.TypeConversionException("'" + value + "' is not a mode: use online or offline"));
  }
}

package org.distvault.server.cli;

import org.distvault.server.trap.AllowList;
import picocli.CommandLine;

/** Parses {@code --trap-allow host[:port]}; errors name the value and what is wrong. */
final class AllowEntryConverter implements CommandLine.ITypeConverter<AllowList.Entry> {
  @Override
  public AllowList.Entry convert(String value) {
    try {
      return AllowList.parseEntry(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}

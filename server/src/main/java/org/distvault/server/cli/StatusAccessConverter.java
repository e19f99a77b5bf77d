package org.distvault.server.cli;

import org.distvault.server.status.StatusAccess;
import picocli.CommandLine;

/** Parses {@code off}, {@code public} or {@code admin}. */
final class StatusAccessConverter implements CommandLine.ITypeConverter<StatusAccess> {
  @Override
  public StatusAccess convert(String value) {
    return StatusAccess.byWireName(value).orElseThrow(() -> new CommandLine.TypeConversionException(
        "'" + value + "' is not a status page access: use off, public or admin"));
  }
}

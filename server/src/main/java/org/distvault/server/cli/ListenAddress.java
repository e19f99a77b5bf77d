package org.distvault.server.cli;

import picocli.CommandLine;

/**
 * A {@code HOST:PORT} to listen on: {@code 127.0.0.1:8080}, {@code 0.0.0.0:80}, {@code [::1]:8080};
 * port 0 picks a free one.
 */
record ListenAddress(String host, int port) {
  /** Parses {@code --listen}; errors name the value and what is wrong. */
  static final class Converter implements CommandLine.ITypeConverter<ListenAddress> {
    @Override
    public ListenAddress convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new CommandLine.TypeConversionException("'" + value + "': write an IPv6 address in brackets, e.g. [::1]:8080");
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "': port is not a number");
      }
      if (port < 0 || port > 65535 || host.isEmpty()) {
        throw new CommandLine.TypeConversionException("'" + value + "': port must be 0-65535 and the host non-empty");
      }
      return new ListenAddress(host, port);
    }
  }
}

package org.distvault.server.trap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The hosts builds may reach through the trap proxy ({@code --trap-allow host[:port]}, {@code
 * --trap-allow-file FILE}): e.g. the distcc servers of a build in a network sandbox. A {@code
 * CONNECT} to an entry is tunnelled for real; everything else is refused.
 *
 * <p>Hosts are compared case-insensitively and literally, as the client names them (no DNS: an
 * entry {@code 10.0.0.5} does not match a request for the name that resolves to it). An entry
 * without a port allows every port of that host. Immutable.
 */
public record AllowList(List<Entry> entries) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /** Nothing is allowed. */
  public static final AllowList NONE = new AllowList(List.of());

  public AllowList {
    entries = List.copyOf(entries);
  }

  /**
   * One allowed host, and port if given.
   *
   * @param host lower case; an IPv6 literal without brackets
   */
  public record Entry(String host, OptionalInt port) {
    @Override
    public String toString() {
      String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      return port.isPresent() ? h + ":" + port.getAsInt() : h;
    }
  }

  /** Whether a tunnel to {@code host:port} is allowed. */
  public boolean permits(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    for (Entry e : entries) {
      if (e.host().equals(h) && (e.port().isEmpty() || e.port().getAsInt() == port)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code host} is listed at all (any port). */
  public boolean listsHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return entries.stream().anyMatch(e -> e.host().equals(h));
  }

  /** This list with more entries. */
  public AllowList plus(List<Entry> more) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(more);
    return new AllowList(all);
  }

  /**
   * Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static Entry parseEntry(String value) {
    String v = value.trim();
    String host;
    Optional<String> port = Optional.empty();
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + value + "': unclosed '[' of an IPv6 address");
      }
      host = v.substring(1, close);
      String rest = v.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + value + "': expected ':PORT' after ']'");
        }
        port = Optional.of(rest.substring(1));
      }
      if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
        throw new IllegalArgumentException("'" + value + "': '" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = v.indexOf(':');
      if (colon >= 0 && v.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("'" + value + "': write an IPv6 address in brackets, e.g. [::1]:3632");
      }
      host = colon < 0 ? v : v.substring(0, colon);
      if (colon >= 0) {
        port = Optional.of(v.substring(colon + 1));
      }
      if (!NAME.matcher(host).matches()) {
        throw new IllegalArgumentException("'" + value + "': '" + host + "' is not a host name or address");
      }
    }
    OptionalInt p = OptionalInt.empty();
    if (port.isPresent()) {
      p = OptionalInt.of(parsePort(value, port.get()));
    }
    return new Entry(host.toLowerCase(Locale.ROOT), p);
  }

  /**
   * Reads an allow-list file: one {@code host[:port]} per line; blank lines and everything after a
   * {@code #} are ignored.
   *
   * @throws IllegalArgumentException naming the file and line of a bad entry
   */
  public static List<Entry> parseFile(Path file) throws IOException {
    List<Entry> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (entry.isEmpty()) {
        continue;
      }
      try {
        out.add(parseEntry(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  static int parsePort(String value, String port) {
    if (!port.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("'" + value + "': port '" + port + "' is not a number");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("'" + value + "': port must be 1-65535, got " + p);
    }
    return p;
  }

  @Override
  public String toString() {
    return entries.isEmpty() ? "(none)" : String.join(" ", entries.stream().map(Entry::toString).toList());
  }
}

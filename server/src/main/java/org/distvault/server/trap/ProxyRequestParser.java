package org.distvault.server.trap;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and checks one proxy request head from a socket, strictly and within limits: at most
 * {@code maxBytes} for the request line and headers (431 beyond), all of it before a deadline
 * (408 after it, whatever pace the bytes trickle in at), {@code HTTP/1.0} or {@code HTTP/1.1}
 * only, and a target in authority form for {@code CONNECT} or absolute form otherwise.
 *
 * <p>Stateless; each call reads one head from its socket.
 */
final class ProxyRequestParser {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}");
  private static final Pattern REG_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,15}");
  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of("http", 80, "https", 443, "ftp", 21, "ws", 80, "wss", 443);

  private final int maxBytes;

  ProxyRequestParser(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Reads one request head.
   *
   * @param deadlineNanos the {@link System#nanoTime} by which the whole head must have arrived
   * @return empty when the client closed the connection before a whole head arrived
   * @throws BadProxyRequestException with the status to answer
   */
  Optional<ProxyRequest> read(Socket socket, long deadlineNanos) throws IOException, BadProxyRequestException {
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[Math.min(maxBytes + 1, 4096)];
    int len = 0;
    int end;
    while ((end = headEnd(buf, len)) < 0) {
      if (len > maxBytes) {
        throw new BadProxyRequestException(431, "request head larger than " + maxBytes + " bytes");
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new BadProxyRequestException(408, "request head not complete in time");
      }
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxBytes + 1));
      }
      // Each read waits at most for what is left of the deadline: a byte every second cannot
      // stretch it.
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
      int n;
      try {
        n = in.read(buf, len, buf.length - len);
      } catch (SocketTimeoutException e) {
        throw new BadProxyRequestException(408, "request head not complete in time");
      }
      if (n < 0) {
        return Optional.empty();
      }
      len += n;
    }
    if (end > maxBytes) {
      throw new BadProxyRequestException(431, "request head larger than " + maxBytes + " bytes");
    }
    String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
    byte[] leftover = Arrays.copyOfRange(buf, end, len);
    return Optional.of(parse(head, leftover));
  }

  /** The index just past the blank line ending the head, or -1. */
  private static int headEnd(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (b[i] == '\n') {
        if (i + 1 < len && b[i + 1] == '\n') {
          return i + 2;
        }
        if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  /** Parses a whole head (request line, headers, the blank line). */
  static ProxyRequest parse(String head, byte[] leftover) throws BadProxyRequestException {
    String[] lines = head.split("\r?\n", -1);
    int first = 0;
    while (first < lines.length && lines[first].isEmpty()) {
      first++; // RFC 9112 2.2: ignore empty lines before the request line
    }
    if (first == lines.length) {
      throw bad("empty request");
    }
    String[] parts = lines[first].split(" ", -1);
    if (parts.length != 3) {
      throw bad("malformed request line");
    }
    String method = parts[0];
    String target = parts[1];
    String version = parts[2];
    if (!TOKEN.matcher(method).matches()) {
      throw bad("malformed method");
    }
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new BadProxyRequestException(505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
    }
    if (target.isEmpty() || !printable(target)) {
      throw bad("malformed request target");
    }
    Optional<String> userAgent = Optional.empty();
    Optional<String> proxyAuthorization = Optional.empty();
    for (int i = first + 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue; // the final blank line(s)
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
        throw bad("malformed header line " + (i - first));
      }
      String value = line.substring(colon + 1).strip();
      if (!printableOrTab(value)) {
        throw bad("control character in header " + line.substring(0, colon));
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      if (name.equals("user-agent") && userAgent.isEmpty()) {
        userAgent = Optional.of(value);
      } else if (name.equals("proxy-authorization") && proxyAuthorization.isEmpty()) {
        proxyAuthorization = Optional.of(value);
      }
    }
    if (method.equals("CONNECT")) {
      HostPort hp = authority(target, target, Optional.empty());
      return new ProxyRequest(method, target, ProxyRequest.Form.CONNECT, hp.host(), hp.port(), Optional.empty(),
          userAgent, proxyAuthorization, leftover);
    }
    return absolute(method, target, userAgent, proxyAuthorization, leftover);
  }

  private static ProxyRequest absolute(String method, String target, Optional<String> userAgent,
      Optional<String> proxyAuthorization, byte[] leftover) throws BadProxyRequestException {
    int sep = target.indexOf("://");
    if (target.startsWith("/") || target.equals("*") || sep <= 0) {
      throw bad("not a proxy request: '" + method + " " + clip(target)
          + "' (this is distvault's egress trap proxy; it takes CONNECT host:port or absolute URLs)");
    }
    String scheme = target.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!SCHEME.matcher(scheme).matches()) {
      throw bad("malformed URL scheme");
    }
    String rest = target.substring(sep + 3);
    int slash = firstOf(rest, "/?#");
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    int at = authority.lastIndexOf('@');
    String hostPort = at >= 0 ? authority.substring(at + 1) : authority; // never record credentials
    if (hostPort.isEmpty()) {
      throw bad("absolute URL without a host");
    }
    HostPort hp = authority(hostPort, target, Optional.ofNullable(DEFAULT_PORTS.get(scheme)));
    String url = scheme + "://" + hostPort.toLowerCase(Locale.ROOT) + path;
    return new ProxyRequest(method, target, ProxyRequest.Form.ABSOLUTE, hp.host(), hp.port(), Optional.of(url),
        userAgent, proxyAuthorization, leftover);
  }

  private record HostPort(String host, int port) {}

  /** Parses {@code host[:port]} / {@code [v6][:port]}; a missing port takes {@code defaultPort}. */
  private static HostPort authority(String value, String target, Optional<Integer> defaultPort)
      throws BadProxyRequestException {
    String host;
    String port = null;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        throw bad("malformed IPv6 address in '" + clip(target) + "'");
      }
      host = value.substring(1, close);
      String rest = value.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw bad("malformed authority '" + clip(value) + "'");
        }
        port = rest.substring(1);
      }
      if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
        throw bad("malformed IPv6 address in '" + clip(target) + "'");
      }
    } else {
      int colon = value.lastIndexOf(':');
      host = colon < 0 ? value : value.substring(0, colon);
      port = colon < 0 ? null : value.substring(colon + 1);
      if (!REG_NAME.matcher(host).matches()) {
        throw bad("malformed host in '" + clip(target) + "'");
      }
    }
    int p;
    if (port == null) {
      if (defaultPort.isEmpty()) {
        throw bad("no port in '" + clip(target) + "' (CONNECT takes host:port)");
      }
      p = defaultPort.get();
    } else {
      if (!port.matches("[0-9]{1,5}")) {
        throw bad("port is not a number in '" + clip(target) + "'");
      }
      p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw bad("port " + p + " out of range 1-65535 in '" + clip(target) + "'");
      }
    }
    return new HostPort(host.toLowerCase(Locale.ROOT), p);
  }

  private static int firstOf(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static boolean printableOrTab(String s) {
    return s.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f));
  }

  /** At most 200 characters of client input, for an answer line. */
  static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static BadProxyRequestException bad(String reason) {
    return new BadProxyRequestException(400, reason);
  }
}

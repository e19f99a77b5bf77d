package org.distvault.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Sends one request as raw bytes over a plain socket, so no client library normalises the request
 * line, and reads the whole response (the request asks for {@code Connection: close}).
 */
final class RawHttp {
  /** A parsed response: status code, the header block as text, and the body bytes. */
  record Reply(int status, String head, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private RawHttp() {}

  /** Sends {@code METHOD TARGET HTTP/1.1} with a Host header; {@code target} is sent byte for byte (ISO-8859-1). */
  static Reply send(int port, String method, String target) throws IOException {
    byte[] line = (method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] headers = ("Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = Arrays.copyOf(line, line.length + headers.length);
    System.arraycopy(headers, 0, request, line.length, headers.length);
    return send(port, request);
  }

  static Reply send(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return parse(readAll(socket.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static Reply parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new AssertionError("not an HTTP/1.1 response: " + text);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    return new Reply(status, text.substring(0, end), Arrays.copyOfRange(raw, end + 4, raw.length));
  }
}

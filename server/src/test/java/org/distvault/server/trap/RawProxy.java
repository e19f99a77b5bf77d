package org.distvault.server.trap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Raw bytes to the trap proxy over a plain socket, so no client library tidies the request. */
final class RawProxy {
  /** A parsed answer: status, the head as text, the body. */
  record Reply(int status, String head, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private RawProxy() {}

  /** {@code Proxy-Authorization: Basic} for {@code user:egress}. */
  static String auth(String user) {
    return "Proxy-Authorization: Basic "
        + Base64.getEncoder().encodeToString((user + ":egress").getBytes(StandardCharsets.UTF_8)) + "\r\n";
  }

  /** Sends {@code request} (ISO-8859-1) and reads the whole answer until the proxy closes. */
  static Reply send(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return parse(readAll(s.getInputStream()));
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** Reads an answer head (up to the blank line) byte by byte, leaving the rest in the stream. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("end of stream inside an answer head: " + b);
      }
      b.append((char) c);
    }
    return b.toString();
  }

  static Reply parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new AssertionError("not an HTTP/1.1 answer: " + text);
    }
    return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(0, end),
        Arrays.copyOfRange(raw, end + 4, raw.length));
  }
}

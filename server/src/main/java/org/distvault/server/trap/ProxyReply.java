package org.distvault.server.trap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The trap proxy's answers: a status with a one-line plain-text body, {@code Connection: close}.
 *
 * <p>After an error answer the connection is half-closed and what the client still sends (a
 * request body, the rest of a huge header) is read and dropped for a moment, bounded in bytes and
 * time, so that closing does not reset the connection before the client has read the answer.
 */
final class ProxyReply {
  static final String ESTABLISHED = "HTTP/1.1 200 Connection established\r\nProxy-Agent: distvault\r\n\r\n";
  private static final int DRAIN_BYTES = 64 * 1024;
  private static final long DRAIN_NANOS = 1_000_000_000L;

  private ProxyReply() {}

  /** Sends {@code status} with {@code line} as the body, then half-closes and drains briefly. */
  static void send(Socket socket, int status, String line) throws IOException {
    byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + phrase(status) + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Proxy-Agent: distvault\r\n"
        + "Connection: close\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    socket.shutdownOutput();
    drain(socket);
  }

  /** Sends the answer that opens a tunnel. */
  static void established(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(ESTABLISHED.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void drain(Socket socket) throws IOException {
    long until = System.nanoTime() + DRAIN_NANOS;
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[4096];
    int total = 0;
    try {
      while (total < DRAIN_BYTES) {
        long left = (until - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return;
        }
        socket.setSoTimeout((int) left);
        int n = in.read(buf);
        if (n < 0) {
          return;
        }
        total += n;
      }
    } catch (SocketTimeoutException e) {
      // The client neither closed nor sent more within the moment: close now.
    }
  }

  static String phrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 408 -> "Request Timeout";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }
}

package org.distvault.server;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Path;
import org.distvault.server.mode.Mode;

/** A real {@link DistvaultServer} on a loopback port over a data directory, with request helpers. */
final class TestServer implements AutoCloseable {
  final DistvaultServer server;

  private TestServer(DistvaultServer server) {
    this.server = server;
  }

  /** Wraps a server started with a config of the test's own. */
  static TestServer of(DistvaultServer server) {
    return new TestServer(server);
  }

  /** Starts on {@code data} (any free port), keeping the stored mode. */
  static TestServer start(Path data) throws IOException {
    return new TestServer(DistvaultServer.start(ServerConfig.defaults(data).withPort(0)));
  }

  /** Starts on {@code data} (any free port) in {@code mode}. */
  static TestServer start(Path data, Mode mode) throws IOException {
    return new TestServer(DistvaultServer.start(ServerConfig.defaults(data).withPort(0).withMode(mode)));
  }

  int port() {
    return server.address().getPort();
  }

  String base() {
    return "http://127.0.0.1:" + port();
  }

  String token() {
    return server.token().token();
  }

  Catalogue catalogue() {
    return new Catalogue(server.vault());
  }

  /** A request sent exactly as written (no percent-encoding), without a token. */
  RequestSpecification http() {
    return given().baseUri("http://127.0.0.1").port(port()).urlEncodingEnabled(false).redirects().follow(false);
  }

  /** A request with the admin token. */
  RequestSpecification admin() {
    return http().header("Authorization", "Bearer " + token());
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

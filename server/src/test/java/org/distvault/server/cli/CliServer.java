package org.distvault.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.DistvaultServer;
import org.distvault.server.ServerConfig;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * What the CLI integration tests run against: a {@link DistvaultServer} on 127.0.0.1 (its URL and
 * token file at hand) and an empty loopback {@link Upstream} for the test to fill. Gives in-process
 * {@code distvault} runs pointed at the server, authenticated and plain HTTP to it, and manifest
 * files. {@link #close()} stops both.
 */
final class CliServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final DistvaultServer server;
  private final Upstream upstream;
  private final String url;
  private final String tokenFile;

  private CliServer(DistvaultServer server, Upstream upstream) {
    this.server = server;
    this.upstream = upstream;
    this.url = "http://127.0.0.1:" + server.address().getPort();
    this.tokenFile = server.token().file().toString();
  }

  /** A server with the default configuration over {@code data}, on a free port. */
  static CliServer start(Path data) throws IOException {
    return start(ServerConfig.defaults(data).withPort(0));
  }

  /** A server with this configuration, which must listen on 127.0.0.1 (port 0 picks a free one). */
  static CliServer start(ServerConfig config) throws IOException {
    DistvaultServer server = DistvaultServer.start(config);
    try {
      return new CliServer(server, new Upstream());
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  DistvaultServer server() {
    return server;
  }

  Upstream upstream() {
    return upstream;
  }

  /** {@code http://127.0.0.1:PORT}, no trailing slash. */
  String url() {
    return url;
  }

  /** Runs {@code distvault ARGS... --server URL --token-file F}. */
  CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token-file", tokenFile));
    return CliRun.of(all.toArray(String[]::new));
  }

  /** Runs {@code distvault COMMAND --server URL --token-file F MORE...}. */
  CliRun command(String command, String... more) {
    List<String> all = new ArrayList<>(List.of(command, "--server", url, "--token-file", tokenFile));
    all.addAll(List.of(more));
    return CliRun.of(all.toArray(String[]::new));
  }

  /** A GET of the admin API at {@code path} with the server's Bearer token. */
  HttpResponse<String> api(String path) throws IOException, InterruptedException {
    return api("GET", path, null, null);
  }

  /** An admin API request with the server's Bearer token; no body (and no content type) when {@code body} is null. */
  HttpResponse<String> api(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + server.token().token());
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** A plain GET of {@code path}, as a build fetching a distfile sends it. */
  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Writes {@code entries} to {@code file} as a JSON-lines manifest; returns {@code file}. */
  static Path writeManifest(Path file, List<ExpectedDistfile> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ManifestWriter w = new ManifestWriter(out)) {
      for (ExpectedDistfile e : entries) {
        w.write(e);
      }
    }
    return file;
  }

  /** Stops the upstream, then the server. */
  @Override
  public void close() throws IOException {
    try {
      upstream.close();
    } finally {
      server.close();
    }
  }
}

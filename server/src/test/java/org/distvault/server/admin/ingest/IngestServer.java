package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.vault.Vault;

/**
 * Test scaffolding: a real Vault in a temp directory and a real Undertow on 127.0.0.1 that mounts
 * the ingest handlers at their contract paths (no authentication: that is the server core's
 * wrapping handler). The gate is switchable and the listener records {@code kind:result} events.
 */
final class IngestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Vault vault;
  final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> refusal = new AtomicReference<>();
  private final Undertow undertow;
  private final int port;
  private final HttpClient client = HttpClient.newHttpClient();

  private IngestServer(Vault vault, HttpHandler extra, String extraPath) {
    this.vault = vault;
    UploadGate gate = () -> Optional.ofNullable(refusal.get());
    IngestListener listener = (kind, result) -> events.add(kind + ":" + result);
    PathHandler routes =
        Handlers.path()
            .addExactPath("/api/v1/manifest", new ManifestUploadHandler(vault, gate, listener))
            .addExactPath("/api/v1/have", new HaveHandler(vault, gate, listener))
            .addExactPath("/api/v1/outcomes", new OutcomesHandler(vault, gate, listener))
            .addExactPath("/api/v1/scrub", new ScrubHandler(new ScrubRunner(vault, Clock.systemUTC(), last -> { }), listener))
            .addPrefixPath(BlobUploadHandler.PREFIX, new BlobUploadHandler(vault, gate, listener));
    if (extra != null) {
      routes.addExactPath(extraPath, extra);
    }
    // As the server must: Undertow checks a chunked body against the server-wide limit fixed at
    // parse time (2 MiB by default), so it is lifted; the routes enforce their own limits.
    undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L).setHandler(routes).build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  static IngestServer start(Path data) throws IOException {
    return start(data, BlobStoreOptions.defaults());
  }

  static IngestServer start(Path data, BlobStoreOptions options) throws IOException {
    return new IngestServer(Vault.open(data, options), null, null);
  }

  /** Also mounts {@code handler} at {@code path} (e.g. a scrub handler built for one test). */
  static IngestServer start(Path data, java.util.function.Function<Vault, HttpHandler> handler,
      String path) throws IOException {
    Vault v = Vault.open(data);
    return new IngestServer(v, handler.apply(v), path);
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  void goOffline(String reason) {
    refusal.set(reason);
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<String> put(String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  @Override
  public void close() throws IOException {
    undertow.stop();
    vault.close();
  }
}

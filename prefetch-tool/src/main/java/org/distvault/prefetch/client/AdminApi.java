package org.distvault.prefetch.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one HTTP client of the admin API (api-contract v1), for the prefetch run's {@link
 * ServerClient} and for the {@code mode}, {@code violations}, {@code scrub} and {@code prefetch}
 * subcommands alike: authenticated JSON requests over {@code java.net.http}, HTTP/1.1, no
 * redirects. Thread-safe; connections are kept alive and reused.
 *
 * <p>A 2xx reply is parsed as JSON. An error status is an {@link AdminApiException} carrying the
 * status and the server's reason; no connection at all is a {@link ServerUnreachableException};
 * anything else (a timeout, a reset, a reply that is not JSON) a plain IOException naming the
 * request.
 */
public final class AdminApi {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Extra time a blob upload may take per megabyte sent: java.net.http's timeout runs from
   * sending the request to the reply's headers, the upload included, not per silent read.
   */
  static final Duration UPLOAD_PER_MB = Duration.ofSeconds(1);

  private final URI base;
  private final String token;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final Optional<SSLContext> tls;
  private final HttpClient http;

  /**
   * @param server the server's base URL, e.g. {@code http://cache:8080/}
   * @param token the admin token (see {@link AdminToken})
   * @param connectTimeout how long opening a connection may take
   * @param timeout how long the server may take to answer a request (it re-hashes uploads)
   */
  public AdminApi(URI server, String token, Duration connectTimeout, Duration timeout) {
    this(server, token, connectTimeout, timeout, Optional.empty());
  }

  /**
   * As above; {@code tls} is the context of an https:// server (its trusted CAs), else the JVM's
   * default, or for an http:// server one that trusts nothing ({@link NoTls}).
   */
  public AdminApi(URI server, String token, Duration connectTimeout, Duration timeout, Optional<SSLContext> tls) {
    String s = server.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.token = token;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
    this.tls = tls;
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (tls.isPresent()) {
      builder.sslContext(tls.get());
    } else if ("http".equalsIgnoreCase(base.getScheme())) {
      builder.sslContext(NoTls.context());
    }
    this.http = builder
        // The client's follow-up tasks run on the thread that completes a step, not on a pool: each
        // hand-over to another thread waits for the scheduler, which on a machine busy hashing and
        // uploading cost about a fifth of a prefetch of many small files (ops/bench/README.md).
        .executor(Runnable::run)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** The HTTP client, for tests. */
  HttpClient http() {
    return http;
  }

  /** The server's base URL, ending in {@code /}. */
  public URI base() {
    return base;
  }

  /** GETs {@code path} (relative, e.g. {@code api/v1/mode}). */
  public JsonNode get(String path) throws IOException {
    return send(request(path, timeout).GET().build());
  }

  /** Sends {@code body} with {@code method} to {@code path}. */
  public JsonNode send(String method, String path, String contentType, byte[] body) throws IOException {
    return send(request(path, timeout).header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** Sends a JSON document with {@code method} to {@code path}. */
  public JsonNode sendJson(String method, String path, String json) throws IOException {
    return send(method, path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends the file {@code body}, streamed rather than read into memory, with {@code method} to
   * {@code path}; {@code headers} go along.
   */
  public JsonNode sendFile(String method, String path, String contentType, Path body, Map<String, String> headers)
      throws IOException {
    long size;
    try {
      size = Files.size(body);
    } catch (IOException e) {
      throw new IOException("cannot read " + body + ": " + e, e);
    }
    long megabytes = size / 1_000_000;
    HttpRequest.Builder r = request(path, timeout.plus(UPLOAD_PER_MB.multipliedBy(megabytes)))
        .header("Content-Type", contentType)
        .method(method, FileBody.of(body, size));
    headers.forEach(r::header);
    return send(r.build());
  }

  /**
   * Starts a request with {@code method} to {@code path} whose body of exactly {@code size} bytes
   * the caller writes as it gets them (e.g. straight from a download), with no copy on disk. The
   * connection opens at the first write (or at {@link StreamedRequest#finish()} for an empty body);
   * see {@link StreamedRequest}.
   */
  public StreamedRequest stream(String method, String path, String contentType, long size, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", contentType);
    all.put("Authorization", "Bearer " + token);
    all.put("Accept", "application/json");
    URI uri = base.resolve(path);
    return new StreamedRequest(method, uri, method + " /" + base.relativize(uri), size, all, connectTimeout,
        timeout.plus(UPLOAD_PER_MB.multipliedBy(size / 1_000_000)), tls);
  }

  /**
   * POSTs the file {@code body} to {@code path} and returns the reply body as it arrives, for a
   * route that answers as it works ({@code POST /api/v1/prefetch}); the caller closes it. The
   * timeout runs until the reply's status arrives, not over the body. An error status is an
   * {@link AdminApiException}, as for the JSON requests.
   */
  public InputStream postForStream(String path, String contentType, Path body) throws IOException {
    long size;
    try {
      size = Files.size(body);
    } catch (IOException e) {
      throw new IOException("cannot read " + body + ": " + e, e);
    }
    HttpRequest request = request(path, timeout.plus(UPLOAD_PER_MB.multipliedBy(size / 1_000_000)))
        .header("Content-Type", contentType)
        .setHeader("Accept", "application/x-ndjson")
        .POST(FileBody.of(body, size)).build();
    HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    InputStream in = response.body();
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      try (in) {
        throw new AdminApiException(what(request), status, reasonOf(in.readNBytes(4096)));
      }
    }
    return in;
  }

  /** Parses a reply body: the contract's JSON on a 2xx status, else an {@link AdminApiException}. */
  static JsonNode reply(String what, int status, byte[] body) throws IOException {
    if (status < 200 || status >= 300) {
      throw new AdminApiException(what, status, reasonOf(body));
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException(what + ": the server's reply is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * GETs {@code path} and streams the body into {@code out} (never whole in memory); returns the
   * number of bytes copied. An error status is an {@link AdminApiException}, as for the JSON
   * requests. For the public content-addressed route {@code by-hash/sha512/<hex>}.
   */
  public long download(String path, OutputStream out) throws IOException {
    HttpRequest request = request(path, timeout).setHeader("Accept", "application/octet-stream").GET().build();
    String what = what(request);
    HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      int status = response.statusCode();
      if (status < 200 || status >= 300) {
        throw new AdminApiException(what, status, reasonOf(in.readNBytes(4096)));
      }
      try {
        return in.transferTo(out);
      } catch (IOException e) {
        throw new IOException(what + " failed while copying the body: " + e, e);
      }
    }
  }

  private HttpRequest.Builder request(String path, Duration within) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(within)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request) throws IOException {
    String what = what(request);
    HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    return reply(what, response.statusCode(), response.body());
  }

  /** The request as messages name it, e.g. {@code GET /api/v1/mode}. */
  private String what(HttpRequest request) {
    return request.method() + " /" + base.relativize(request.uri());
  }

  /**
   * Sends {@code request}; a refused connection is a {@link ServerUnreachableException}, any other
   * failure an IOException naming the request. The status is the caller's to check.
   */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
    try {
      return http.send(request, body);
    } catch (ConnectException e) {
      throw new ServerUnreachableException("cannot connect to " + base + ": "
          + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
    } catch (SSLHandshakeException e) {
      throw new IOException(what(request) + " failed: the TLS handshake with " + base + " failed: " + e.getMessage()
          + " (a certificate of a private CA needs --ca-file)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what(request) + ": interrupted");
    } catch (IOException e) {
      throw new IOException(what(request) + " failed: " + e, e);
    }
  }

  /** The contract's {@code {"error": ...}}, or the start of a body of another shape. */
  private static String reasonOf(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.path("error").isTextual()) {
        return n.path("error").asText();
      }
    } catch (IOException notJson) {
      // Not the contract's shape: show the raw start of the body instead.
    }
    return new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
  }
}

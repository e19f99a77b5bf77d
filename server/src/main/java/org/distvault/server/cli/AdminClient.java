package org.distvault.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.server.admin.TokenFile;

/**
 * The admin API from the command line's side: authenticated JSON requests with {@code
 * java.net.http}. Every failure becomes a {@link CliException}: an unusable token file or URL, or
 * a rejected token, is bad input (exit 2); an unreachable server or an error status is a failed
 * job (exit 1). Messages name the URL or file.
 */
final class AdminClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Path tokenFile;
  private final String token;
  private final HttpClient http;
  private final Duration timeout;

  private AdminClient(URI base, Path tokenFile, String token, Duration timeout) {
    this.base = base;
    this.tokenFile = tokenFile;
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /**
   * A client of {@code server} (e.g. {@code http://cache:8080}) with the token in {@code tokenFile}.
   *
   * @param timeout how long one request may take
   */
  static AdminClient of(String server, Path tokenFile, Duration timeout) throws CliException {
    URI base;
    try {
      base = new URI(server.endsWith("/") ? server : server + "/");
    } catch (java.net.URISyntaxException e) {
      throw new CliException(ExitCode.USAGE, "--server '" + server + "' is not a URL: " + e.getMessage());
    }
    if (base.getHost() == null || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
      throw new CliException(ExitCode.USAGE, "--server '" + server + "' must be an http:// or https:// URL with a host");
    }
    try {
      return new AdminClient(base, tokenFile, TokenFile.load(tokenFile).token(), timeout);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot use --token-file: " + e.getMessage(), e);
    }
  }

  /** GETs {@code path} (relative, e.g. {@code api/v1/mode}) and returns the 2xx body. */
  String get(String path) throws CliException {
    return send(request(path).GET().build());
  }

  /** Sends {@code json} with {@code method} to {@code path} and returns the 2xx body. */
  String send(String method, String path, String json) throws CliException {
    return send(request(path).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
  }

  /**
   * POSTs the file {@code body} (streamed, not read into memory) to {@code path} and returns the
   * 2xx body.
   */
  String post(String path, String contentType, Path body) throws CliException {
    HttpRequest.BodyPublisher file;
    try {
      file = HttpRequest.BodyPublishers.ofFile(body);
    } catch (java.io.FileNotFoundException e) {
      throw new CliException(ExitCode.FAILED, "cannot read " + body + ": " + e.getMessage(), e);
    }
    return send(request(path).header("Content-Type", contentType).POST(file).build());
  }

  /**
   * The prefetch tool's client of the same server and token, for blob uploads, presence checks
   * and outcomes.
   *
   * @param readTimeout how long the server may stay silent while answering (it re-hashes uploads)
   */
  ServerClient blobSink(Duration readTimeout) {
    return new ServerClient(base, token, Duration.ofSeconds(10), readTimeout);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private String send(HttpRequest request) throws CliException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new CliException(ExitCode.FAILED, "cannot connect to " + base + ": is distvault serve running there?", e);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.FAILED, "interrupted", e);
    }
    int status = response.statusCode();
    if (status == 401) {
      throw new CliException(ExitCode.USAGE, "the server at " + base + " refused the token in " + tokenFile
          + ": " + errorOf(response.body()));
    }
    if (status < 200 || status >= 300) {
      throw new CliException(ExitCode.FAILED, request.method() + " " + request.uri() + ": HTTP " + status + ": "
          + errorOf(response.body()));
    }
    return response.body();
  }

  /** Parses a JSON reply; a non-JSON reply is a failed job. */
  static JsonNode parse(String body, String what) throws CliException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, what + ": the server's reply is not JSON: " + e.getMessage(), e);
    }
  }

  private static String errorOf(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (IOException e) {
      return body.strip();
    }
    return body.strip();
  }
}

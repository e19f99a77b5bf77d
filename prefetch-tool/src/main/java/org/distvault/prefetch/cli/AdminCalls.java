package org.distvault.prefetch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.distvault.prefetch.client.AdminApi;
import org.distvault.prefetch.client.AdminApiException;
import org.distvault.prefetch.client.AdminToken;
import org.distvault.prefetch.client.PemCertificates;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.prefetch.client.ServerSidePrefetch;
import org.distvault.prefetch.client.ServerUnreachableException;

/**
 * The admin API as the subcommands call it: {@link AdminApi}'s requests with every failure
 * turned into a {@link CliException}. An unusable token file or URL, or a rejected token, is bad
 * input (exit 2); an unreachable server or an error status is a failed job (exit 1). Messages
 * name the URL or file.
 */
public final class AdminCalls {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final AdminApi api;
  private final Path tokenFile;

  private AdminCalls(AdminApi api, Path tokenFile) {
    this.api = api;
    this.tokenFile = tokenFile;
  }

  /**
   * Calls to {@code server} (e.g. {@code http://cache:8080}) with the token in {@code tokenFile}.
   *
   * @param timeout how long one request may take
   * @param caFile the PEM CA certificates to trust for an https:// server, if not the JVM's
   */
  static AdminCalls of(String server, Path tokenFile, Duration timeout, Optional<Path> caFile) throws CliException {
    URI base;
    try {
      base = new URI(server.endsWith("/") ? server : server + "/");
    } catch (URISyntaxException e) {
      throw new CliException(ExitCode.USAGE, "--server '" + server + "' is not a URL: " + e.getMessage());
    }
    if (base.getHost() == null || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
      throw new CliException(ExitCode.USAGE, "--server '" + server + "' must be an http:// or https:// URL with a host");
    }
    String token;
    try {
      token = AdminToken.read(tokenFile);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot use --token-file: " + e.getMessage(), e);
    }
    Optional<SSLContext> tls = Optional.empty();
    if (caFile.isPresent()) {
      if (!"https".equals(base.getScheme())) {
        throw new CliException(ExitCode.USAGE, "--ca-file needs an https:// --server, got '" + server + "'");
      }
      try {
        tls = Optional.of(PemCertificates.trusting(caFile.get()));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--ca-file " + e.getMessage(), e);
      }
    }
    return new AdminCalls(new AdminApi(base, token, Duration.ofSeconds(10), timeout, tls), tokenFile);
  }

  /** GETs {@code path} (relative, e.g. {@code api/v1/mode}) and returns the JSON reply. */
  public JsonNode get(String path) throws CliException {
    try {
      return api.get(path);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Sends {@code json} with {@code method} to {@code path} and returns the JSON reply. */
  public JsonNode send(String method, String path, String json) throws CliException {
    try {
      return api.sendJson(method, path, json);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** POSTs the file {@code body} (streamed, not read into memory) to {@code path}. */
  public JsonNode post(String path, String contentType, Path body) throws CliException {
    try {
      return api.sendFile("POST", path, contentType, body, Map.of());
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** GETs {@code path} and streams its body into {@code out}; returns the bytes copied. */
  public long download(String path, OutputStream out) throws CliException {
    try {
      return api.download(path, out);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** PUTs the file {@code body} (streamed, not read into memory) to {@code path} with {@code headers}. */
  public JsonNode put(String path, Path body, Map<String, String> headers) throws CliException {
    try {
      return api.sendFile("PUT", path, "application/octet-stream", body, headers);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Bounds the paging through the violations log: 10,000 pages of 10,000 violations. */
  static final int MAX_VIOLATION_PAGES = 10_000;

  /**
   * Pages through the violations recorded after cursor {@code since}, oldest first, handing each
   * to {@code each}. {@code filters} are more query parameters of {@code GET /api/v1/violations},
   * each starting with {@code &} (e.g. {@code &set=2026Q4}), or empty.
   *
   * @return the cursor to go on from next time
   */
  public long violations(long since, String filters, Consumer<JsonNode> each) throws CliException {
    long cursor = since;
    for (int page = 0; page < MAX_VIOLATION_PAGES; page++) {
      JsonNode reply = get("api/v1/violations?limit=10000&since=" + cursor + filters);
      reply.path("violations").forEach(each);
      long next = reply.path("next").asLong(cursor);
      if (next <= cursor) {
        break;
      }
      cursor = next;
    }
    return cursor;
  }

  /** The prefetch run's sink over the same client: blob uploads, presence checks, outcomes. */
  public ServerClient blobSink() {
    return new ServerClient(api);
  }

  /** As {@link #blobSink()}, filling source set {@code set} (the default set when empty). */
  public ServerClient blobSink(Optional<String> set) {
    return new ServerClient(api, set);
  }

  /**
   * A prefetch that the server runs itself, filling source set {@code set} (the default set when
   * empty); an answer silent for {@code silence} is given up.
   */
  public ServerSidePrefetch serverSide(Optional<String> set, Duration silence) {
    return new ServerSidePrefetch(api, set, silence, Clock.systemUTC());
  }

  private CliException failure(IOException e) {
    if (e instanceof ServerUnreachableException) {
      return new CliException(ExitCode.FAILED, "cannot connect to " + api.base()
          + ": is distvault serve running there?", e);
    }
    if (e instanceof AdminApiException a && a.status() == 401) {
      return new CliException(ExitCode.USAGE, "the server at " + api.base() + " refused the token in " + tokenFile
          + ": " + a.reason(), e);
    }
    if (e instanceof AdminApiException a) {
      return new CliException(ExitCode.FAILED, a.request() + " at " + api.base() + ": HTTP " + a.status() + ": "
          + a.reason(), e);
    }
    return new CliException(ExitCode.FAILED, e.getMessage() + " (server " + api.base() + ")", e);
  }
}

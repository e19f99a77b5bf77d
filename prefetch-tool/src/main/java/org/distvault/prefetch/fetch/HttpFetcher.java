package org.distvault.prefetch.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Fetches {@code http} and {@code https} URLs with {@link HttpURLConnection}.
 *
 * <p>Why HttpURLConnection rather than {@code java.net.http}: its read timeout is a socket
 * timeout, i.e. exactly the idle timeout we want ("no bytes for N seconds"), without a watchdog
 * thread. Redirects are followed here, not by the JDK, so they can be bounded and loops named.
 * The URL path is sent as written in the manifest (pkgsrc never re-encodes distfile names).
 * Known JDK behaviour: when a connection fails before the status line arrives, HttpURLConnection
 * silently sends the GET once more; an upstream may therefore count two requests for one attempt.
 *
 * <p>Thread-safe: every call opens its own connection (the JDK pools keep-alive sockets).
 */
public final class HttpFetcher implements Fetcher {
  private final FetchSettings settings;
  private final Clock clock;

  public HttpFetcher(FetchSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public FetchResult fetch(FetchRequest request, OutputStream sink) throws FetchFailure, InterruptedException {
    URI url = request.url();
    Set<URI> seen = new HashSet<>();
    for (int redirects = 0; ; redirects++) {
      if (!seen.add(url)) {
        throw FetchFailure.of(FailureKind.REDIRECT, "redirect loop at " + url + " (from " + request.url() + ")");
      }
      HttpURLConnection c = open(url);
      boolean ok = false;
      try {
        int status = responseCode(c, url);
        if (isRedirect(status)) {
          if (redirects >= settings.maxRedirects()) {
            throw FetchFailure.of(FailureKind.REDIRECT,
                "too many redirects (more than " + settings.maxRedirects() + ") from " + request.url());
          }
          url = redirectTarget(url, c.getHeaderField("Location"));
          continue;
        }
        long n = readBody(request, url, c, status, sink);
        ok = true;
        return new FetchResult(n, url);
      } finally {
        if (ok) {
          // Body fully read and closed: the socket goes back to the keep-alive pool.
        } else {
          c.disconnect();
        }
      }
    }
  }

  private long readBody(FetchRequest request, URI url, HttpURLConnection c, int status, OutputStream sink)
      throws FetchFailure, InterruptedException {
    if (status == 429 || status == 503) {
      String header = c.getHeaderField("Retry-After");
      throw FetchFailure.rateLimited(
          "HTTP " + status + " from " + url + (header == null ? "" : " (Retry-After: " + header.trim() + ")"),
          RetryAfter.parse(header, clock.instant()));
    }
    if (status != HttpURLConnection.HTTP_OK) {
      throw FetchFailure.httpStatus(status, url.toString());
    }
    BodyCopier copier = new BodyCopier(peer(url), url.toString(), settings.idleTimeout());
    boolean sniff = !HtmlSniffer.htmlExpected(request.name());
    String type = c.getContentType();
    if (sniff && HtmlSniffer.isHtmlContentType(type)) {
      throw FetchFailure.of(FailureKind.HTML_PAGE,
          "upstream returned an HTML page (Content-Type " + type + "), not the distfile, from " + url);
    }
    long announced = c.getContentLengthLong();
    copier.checkAnnounced(announced, request.expectedSize());
    long limit = request.expectedSize().orElse(settings.maxUnknownSize());
    long n;
    try (InputStream in = c.getInputStream()) {
      n = copier.copy(in, sink, limit, sniff ? new HtmlSniffer() : null);
    } catch (IOException e) {
      throw FetchFailure.of(FailureKind.CONNECTION_LOST, "connection to " + peer(url) + " lost: " + e.getMessage());
    }
    copier.checkComplete(n, announced, request.expectedSize());
    return n;
  }

  private HttpURLConnection open(URI url) throws FetchFailure, InterruptedException {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) url.toURL().openConnection();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw FetchFailure.of(FailureKind.PROTOCOL, "bad URL " + url + ": " + e.getMessage());
    } catch (IOException e) {
      throw FetchFailure.of(FailureKind.PROTOCOL, "cannot open " + url + ": " + e.getMessage());
    }
    c.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
    c.setReadTimeout(Math.toIntExact(settings.idleTimeout().toMillis()));
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setRequestProperty("User-Agent", settings.userAgent());
    c.setRequestProperty("Accept-Encoding", "identity");
    try {
      c.connect();
    } catch (SocketTimeoutException e) {
      throw FetchFailure.of(FailureKind.CONNECT_TIMEOUT,
          "connect timeout to " + peer(url) + " after " + BodyCopier.seconds(settings.connectTimeout()));
    } catch (UnknownHostException e) {
      throw FetchFailure.of(FailureKind.CONNECT_FAILED, "unknown host " + url.getHost());
    } catch (ConnectException e) {
      throw FetchFailure.of(FailureKind.CONNECT_FAILED, "cannot connect to " + peer(url) + ": " + e.getMessage());
    } catch (SSLException e) {
      throw FetchFailure.of(FailureKind.CONNECT_FAILED, "TLS with " + peer(url) + " failed: " + e.getMessage());
    } catch (InterruptedIOException e) {
      throw new InterruptedException("connect to " + url + " interrupted");
    } catch (IOException e) {
      throw FetchFailure.of(FailureKind.CONNECTION_LOST, "connection to " + peer(url) + " failed: " + e.getMessage());
    }
    return c;
  }

  private int responseCode(HttpURLConnection c, URI url) throws FetchFailure {
    try {
      int status = c.getResponseCode();
      if (status < 0) {
        throw FetchFailure.of(FailureKind.PROTOCOL, "not a valid HTTP response from " + url);
      }
      return status;
    } catch (SocketTimeoutException e) {
      throw FetchFailure.of(FailureKind.IDLE_TIMEOUT,
          "no response from " + peer(url) + " within " + BodyCopier.seconds(settings.idleTimeout())
              + " (idle timeout)");
    } catch (IOException e) {
      throw FetchFailure.of(FailureKind.CONNECTION_LOST,
          "connection to " + peer(url) + " lost before the response: " + e.getMessage());
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static URI redirectTarget(URI from, String location) throws FetchFailure {
    if (location == null || location.isBlank()) {
      throw FetchFailure.of(FailureKind.REDIRECT, "redirect without a Location from " + from);
    }
    URI target;
    try {
      target = from.resolve(new URI(location.trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw FetchFailure.of(FailureKind.REDIRECT, "unusable redirect Location '" + location + "' from " + from);
    }
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw FetchFailure.of(FailureKind.REDIRECT, "redirect from " + from + " to unsupported URL " + target);
    }
    return target;
  }

  static String peer(URI url) {
    int port = url.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
    return url.getHost() + ":" + port;
  }
}

package org.distvault.prefetch.fetch;

import java.io.OutputStream;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Fetcher} that hands each URL to the fetcher for its scheme ({@code http}, {@code
 * https}, {@code ftp}, {@code file}). Thread-safe.
 */
public final class SchemeFetcher implements Fetcher {
  private final Map<String, Fetcher> byScheme;

  public SchemeFetcher(Map<String, Fetcher> byScheme) {
    this.byScheme = Map.copyOf(byScheme);
  }

  /** The standard set: HttpFetcher, FtpFetcher and FileFetcher with these settings. */
  public static SchemeFetcher standard(FetchSettings settings, Clock clock) {
    Fetcher http = new HttpFetcher(settings, clock);
    return new SchemeFetcher(Map.of("http", http, "https", http, "ftp", new FtpFetcher(settings),
        "file", new FileFetcher(settings)));
  }

  @Override
  public FetchResult fetch(FetchRequest request, OutputStream sink) throws FetchFailure, InterruptedException {
    String scheme = request.url().getScheme() == null ? "" : request.url().getScheme().toLowerCase(Locale.ROOT);
    Fetcher f = byScheme.get(scheme);
    if (f == null) {
      throw FetchFailure.of(FailureKind.PROTOCOL, "no fetcher for URL scheme '" + scheme + "': " + request.url());
    }
    return f.fetch(request, sink);
  }
}

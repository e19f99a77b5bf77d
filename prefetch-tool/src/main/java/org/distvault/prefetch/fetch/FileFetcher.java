package org.distvault.prefetch.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Fetches {@code file:} URLs, e.g. to import an existing DISTDIR. The URL path is
 * percent-decoded, so a literal {@code %} in a distfile name must be written {@code %25}.
 *
 * <p>Thread-safe.
 */
public final class FileFetcher implements Fetcher {
  private final FetchSettings settings;

  public FileFetcher(FetchSettings settings) {
    this.settings = settings;
  }

  @Override
  public FetchResult fetch(FetchRequest request, OutputStream sink) throws FetchFailure, InterruptedException {
    Path path;
    try {
      path = Path.of(request.url());
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw FetchFailure.of(FailureKind.PROTOCOL, "bad file URL " + request.url() + ": " + e.getMessage());
    }
    if (!Files.isRegularFile(path)) {
      throw FetchFailure.of(FailureKind.NOT_FOUND, "no such file: " + path);
    }
    BodyCopier copier = new BodyCopier("local file", request.url().toString(), settings.idleTimeout());
    long n;
    try (InputStream in = Files.newInputStream(path)) {
      copier.checkAnnounced(Files.size(path), request.expectedSize());
      long limit = request.expectedSize().orElse(settings.maxUnknownSize());
      n = copier.copy(in, sink, limit, null);
    } catch (NoSuchFileException e) {
      throw FetchFailure.of(FailureKind.NOT_FOUND, "no such file: " + path);
    } catch (IOException e) {
      throw FetchFailure.of(FailureKind.NOT_FOUND, "cannot read " + path + ": " + e.getMessage());
    }
    copier.checkComplete(n, -1, request.expectedSize());
    return new FetchResult(n, request.url());
  }
}

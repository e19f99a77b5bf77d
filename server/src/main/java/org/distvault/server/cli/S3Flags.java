package org.distvault.server.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.server.S3Store;
import org.distvault.storage.s3.S3Options;

/** The {@code serve} flags of an S3 blob store, checked together; every error names its flag. */
final class S3Flags {
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private S3Flags() {}

  /**
   * The store {@code --blob-store} and its companions describe; empty without {@code --blob-store}.
   *
   * @throws CliException (usage) naming the flag whose value is wrong or missing
   */
  static Optional<S3Store> store(String blobStore, String endpoint, String region, boolean pathStyle,
      Path cacheDir, Long cacheSize) throws CliException {
    return store("--blob-store", blobStore, endpoint, region, pathStyle, cacheDir, cacheSize);
  }

  /**
   * The store {@code flag} (the bucket of {@code --blob-store} or {@code --replica-of}) and its
   * companions describe; empty without {@code location}.
   */
  static Optional<S3Store> store(String flag, String location, String endpoint, String region, boolean pathStyle,
      Path cacheDir, Long cacheSize) throws CliException {
    if (location == null) {
      String orphan = endpoint != null ? "--s3-endpoint" : region != null ? "--s3-region"
          : pathStyle ? "--s3-path-style" : cacheDir != null ? "--cache-dir" : cacheSize != null ? "--cache-size" : null;
      if (orphan != null) {
        throw new CliException(ExitCode.USAGE, orphan + " needs --blob-store or --replica-of s3://BUCKET[/PREFIX]");
      }
      return Optional.empty();
    }
    S3Options options;
    try {
      options = S3Options.parse(location);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, flag + ": " + e.getMessage(), e);
    }
    if (endpoint != null) {
      options = options.withEndpoint(endpoint(endpoint));
    }
    if (region != null) {
      if (!REGION.matcher(region).matches()) {
        throw new CliException(ExitCode.USAGE, "--s3-region: not a region name: '" + region + "' (e.g. us-east-1)");
      }
      options = options.withRegion(region);
    }
    if (pathStyle) {
      options = options.withPathStyle();
    }
    if (cacheDir == null || cacheSize == null) {
      throw new CliException(ExitCode.USAGE, flag + " needs " + (cacheDir == null ? "--cache-dir DIR" : "")
          + (cacheDir == null && cacheSize == null ? " and " : "") + (cacheSize == null ? "--cache-size SIZE" : "")
          + ": the local cache tier that serves hits");
    }
    if (cacheSize < 1) {
      throw new CliException(ExitCode.USAGE, "--cache-size must be positive, got " + cacheSize);
    }
    return Optional.of(new S3Store(options, cacheDir.toAbsolutePath().normalize(), cacheSize));
  }

  private static URI endpoint(String value) throws CliException {
    try {
      URI uri = new URI(value);
      boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (!web || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new CliException(ExitCode.USAGE, "--s3-endpoint: not an http(s)://HOST[:PORT] URL: '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new CliException(ExitCode.USAGE, "--s3-endpoint: not a URL: '" + value + "' (" + e.getReason() + ")", e);
    }
  }
}

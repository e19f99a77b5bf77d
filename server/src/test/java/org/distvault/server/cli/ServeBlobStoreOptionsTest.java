package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad {@code serve --blob-store} and {@code --s3-*}, {@code --cache-*} flags: exit 2 naming the
 * flag, and nothing is started (no data directory, no cache directory, no request to a bucket).
 */
class ServeBlobStoreOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--blob-store http://bucket/p --cache-dir C --cache-size 1G|--blob-store: not an s3://BUCKET[/PREFIX] address: http://bucket/p",
      "--blob-store s3:// --cache-dir C --cache-size 1G|--blob-store: not a bucket name: ''",
      "--blob-store s3://b/p|--blob-store needs --cache-dir DIR and --cache-size SIZE",
      "--blob-store s3://b/p --cache-dir C|--blob-store needs --cache-size SIZE",
      "--blob-store s3://b/p --cache-size 1G|--blob-store needs --cache-dir DIR",
      "--blob-store s3://b/p --cache-dir C --cache-size 0|--cache-size must be positive, got 0",
      "--blob-store s3://b/p --cache-dir C --cache-size lots|Invalid value for option '--cache-size': 'lots' is not a size",
      "--blob-store s3://b/p --cache-dir C --cache-size 1G --s3-endpoint minio:9000|--s3-endpoint: not an http(s)://HOST[:PORT] URL: 'minio:9000'",
      "--blob-store s3://b/p --cache-dir C --cache-size 1G --s3-region US_EAST|--s3-region: not a region name: 'US_EAST'",
      "--replica-of s3://b/p --set 2026Q4 --cache-dir C --cache-size 1G --recover|--replica-of does not go with --recover",
      "--s3-endpoint http://minio:9000|--s3-endpoint needs --blob-store or --replica-of s3://BUCKET[/PREFIX]",
      "--replica-of s3://b/p --cache-dir C --cache-size 1G|--replica-of needs --set NAME",
      "--replica-of s3://b/p --set 2026Q4|--replica-of needs --cache-dir DIR and --cache-size SIZE",
      "--replica-of s3://b/p --set a/b --cache-dir C --cache-size 1G|--set: only A-Z",
      "--replica-of s3://b/p --set 2026Q4 --cache-dir C --cache-size 1G --poll 0|--poll must be at least 1 second",
      "--replica-of s3://b/p --blob-store s3://b/q --set 2026Q4 --cache-dir C --cache-size 1G|--replica-of does not go with --blob-store",
      "--replica-of s3://b/p --set 2026Q4 --cache-dir C --cache-size 1G --max-size 1G|--replica-of does not go with --max-size",
      "--replica-of s3://b/p --set 2026Q4 --cache-dir C --cache-size 1G --mode online|--replica-of does not go with --mode online",
      "--set 2026Q4|--set needs --replica-of",
      "--poll 5|--poll needs --replica-of",
      "--s3-path-style|--s3-path-style needs --blob-store",
      "--cache-size 1G|--cache-size needs --blob-store"})
  void badBlobStoreFlagsExitTwo(String args, String message) {
    CliRun r = CliRun.of(("serve --data " + dir.resolve("data") + " " + args.replace(" C ", " " + dir.resolve("cache")
        + " ")).split(" "));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
    assertFalse(Files.exists(dir.resolve("cache")), "no cache directory");
  }

  @Test
  void environmentVariablesNameTheFlagToo() {
    CliRun r = CliRun.withEnv(Map.of("DISTVAULT_BLOB_STORE", "s3://b/p", "DISTVAULT_CACHE_SIZE", "-1"),
        "serve", "--data", dir.resolve("data").toString(), "--cache-dir", dir.resolve("cache").toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--cache-size"), r.toString());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }
}

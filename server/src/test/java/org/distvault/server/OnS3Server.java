package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.storage.s3.S3Options;
import org.distvault.storage.s3.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server test class against one real s3proxy process, started before its tests and stopped
 * after them; subclasses make their buckets. Test classes run one after another, so one field
 * serves each.
 */
abstract class OnS3Server {
  static S3Server s3;

  @BeforeAll
  static void startS3(@TempDir Path dir) throws IOException {
    s3 = S3Server.start(dir);
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
      s3 = null;
    }
  }

  /**
   * Options for {@code s3://bucket/prefix} on the test server, with short bounds so that an outage
   * fails fast; the CLI takes credentials from the SDK's chain (AWS_* variables, profiles).
   */
  static S3Options options(String bucket, String prefix) {
    return S3Options.parse("s3://" + bucket + "/" + prefix)
        .withEndpoint(s3.endpoint())
        .withRegion(S3Server.REGION.id())
        .withPathStyle()
        .withCredentials(s3.credentials())
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2))
        .withMaxAttempts(2);
  }

  /** The value of the unlabelled series {@code name} in a scrape of {@code /metrics}. */
  static double metric(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(scrape);
    assertTrue(m.find(), name + " in " + scrape);
    return Double.parseDouble(m.group(1));
  }

  /** {@code distvault_backend_errors_total{op}} in a scrape, 0 when the series is not there. */
  static double backendErrors(String scrape, String op) {
    Matcher m = Pattern.compile("(?m)^distvault_backend_errors_total\\{[^}]*op=\"" + Pattern.quote(op) + "\"[^}]*\\} (\\S+)$")
        .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Asserts that {@code GET path} answers 200 with exactly {@code expected}. */
  static void assertServed(TestServer s, String path, byte[] expected) {
    Response r = s.http().get(path);
    assertEquals(200, r.statusCode(), path + ": " + (r.statusCode() == 200 ? "" : r.asString()));
    assertArrayEquals(expected, r.asByteArray(), path);
  }
}

package org.distvault.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
}

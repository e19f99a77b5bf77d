package org.distvault.storage.s3;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class against one real s3proxy process, started before its tests with the test bucket
 * made, and stopped after them. Test classes run one after another, so one field serves each.
 */
abstract class OnS3Proxy {
  static S3Server s3;

  @BeforeAll
  static void startServer(@TempDir Path dir) throws IOException {
    s3 = S3Server.start(dir);
    s3.createBucket(TestBlobs.BUCKET);
  }

  @AfterAll
  static void stopServer() {
    if (s3 != null) {
      s3.close();
      s3 = null;
    }
  }
}

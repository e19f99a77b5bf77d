package org.distvault.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The test fixture itself: a real S3 server that keeps its objects across a restart. */
class S3ServerTest {
  @TempDir Path dir;

  @Test
  void objectsSurviveStopAndRestartOnTheSamePort() throws Exception {
    try (S3Server s3 = S3Server.start(dir)) {
      System.err.println("s3proxy answered after " + s3.lastStart().toMillis() + " ms");
      s3.createBucket("fixture");
      try (S3Client c = s3.client()) {
        c.putObject(b -> b.bucket("fixture").key("a/b"), RequestBody.fromString("hello"));
      }
      s3.stop();
      try (S3Client c = s3.client()) {
        assertThrows(
            SdkClientException.class,
            () -> c.getObjectAsBytes(b -> b.bucket("fixture").key("a/b")));
      }
      s3.restart();
      try (S3Client c = s3.client()) {
        assertEquals(
            "hello", c.getObjectAsBytes(b -> b.bucket("fixture").key("a/b")).asUtf8String());
      }
      assertEquals(java.util.List.of("a/b"), s3.keys("fixture", ""));
    }
  }
}

package org.distvault.prefetch.fetch;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distvault.prefetch.testserver.FtpUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher contract against a real FTP server (Apache MINA FtpServer) on loopback. */
class FtpFetcherContractTest extends FetcherContractTest {
  @TempDir Path root;
  private FtpUpstream ftp;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(root.resolve("pub"));
    ftp = new FtpUpstream(root);
  }

  @AfterEach
  void stop() {
    ftp.close();
  }

  @Override
  String serve(String name, byte[] content) throws Exception {
    Files.write(root.resolve("pub").resolve(name), content);
    return ftp.url("/pub/" + name);
  }

  @Override
  String missing(String name) {
    return ftp.url("/pub/" + name);
  }

  @Override
  Fetcher fetcher() {
    return new FtpFetcher(SETTINGS);
  }
}

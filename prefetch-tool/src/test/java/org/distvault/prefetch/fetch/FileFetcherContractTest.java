package org.distvault.prefetch.fetch;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileFetcherContractTest extends FetcherContractTest {
  @TempDir Path distdir;

  @Override
  String serve(String name, byte[] content) throws Exception {
    Path p = distdir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p.toUri().toString();
  }

  @Override
  String missing(String name) {
    return distdir.resolve(name).toUri().toString();
  }

  @Override
  Fetcher fetcher() {
    return new FileFetcher(SETTINGS);
  }
}

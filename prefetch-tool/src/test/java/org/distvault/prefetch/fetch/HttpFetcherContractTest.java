package org.distvault.prefetch.fetch;

import java.time.Clock;
import org.distvault.prefetch.testserver.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class HttpFetcherContractTest extends FetcherContractTest {
  private Upstream upstream;

  @BeforeEach
  void start() throws Exception {
    upstream = new Upstream();
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Override
  String serve(String name, byte[] content) {
    upstream.on("/dist/" + name, Upstream.file(content));
    return upstream.url("/dist/" + name);
  }

  @Override
  String missing(String name) {
    return upstream.url("/dist/" + name);
  }

  @Override
  Fetcher fetcher() {
    return new HttpFetcher(SETTINGS, Clock.systemUTC());
  }
}

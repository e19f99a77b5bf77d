package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distvault.prefetch.fetch.FetchRequest;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.Fetcher;
import org.distvault.prefetch.fetch.FileFetcher;
import org.distvault.prefetch.fetch.HttpFetcher;
import org.distvault.prefetch.manifest.UpstreamUrls;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirror URLs built from distinfo names reach the file stored under the literal name, through a
 * real loopback HTTP server serving a DISTDIR and through the {@code file:} fetcher.
 */
class MirrorRoundTripTest {
  /** Names with every odd character real trees have, and some they might. */
  private static final List<String> NAMES = List.of(
      "mysql%2B%2B-3.3.0.tar.gz",
      "influxdb-2.6.0/bazil.org_fuse_@v_v0.0.0-20160811212531-371fbbdaa898.mod",
      "suse100/i586/alsa-1.0.9-23.2.i586.rpm",
      "c++~1,2.tar.gz",
      "sounds-2.0/voices=en.zip",
      "odd;name#1?.tgz",
      "100%-done.tgz",
      "\u00fcn\u00efcode.tar.gz");

  @TempDir Path distdir;
  @TempDir Path pkgsrc;
  private Upstream server;

  /** A plain static server of DISTDIR, as a mirror runs it. */
  @BeforeEach
  void serveDistdir() throws IOException {
    server = new Upstream().onDirectory("/pub/pkgsrc/distfiles/", distdir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyNameRoundTripsThroughHttpAndFileMirrors() throws Exception {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    for (String name : NAMES) {
      byte[] content = ("content of " + name + "\n").getBytes(StandardCharsets.UTF_8);
      contents.put(name, content);
      Path file = distdir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    }
    Distfiles.writeDistinfo(pkgsrc.resolve("misc/odd/distinfo"), contents);
    String http = server.url("/pub/pkgsrc/distfiles");
    List<MirrorSite> sites = List.of(MirrorSite.parse(http), MirrorSite.parse(distdir.toString()));

    SourceResult r = DistinfoSource.read(List.of(pkgsrc), sites);

    assertEquals(List.of(), r.problems());
    assertEquals(NAMES.size(), r.entries().size());
    Fetcher httpFetcher = new HttpFetcher(FetchSettings.defaults(), Clock.systemUTC());
    Fetcher fileFetcher = new FileFetcher(FetchSettings.defaults());
    for (ExpectedDistfile e : r.entries()) {
      byte[] want = contents.get(e.name().value());
      assertEquals(2, e.urls().size(), e.name().value());
      for (String url : e.urls()) {
        assertEquals(null, UpstreamUrls.problem(url), url);
        Fetcher f = url.startsWith("http:") ? httpFetcher : fileFetcher;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        f.fetch(new FetchRequest(new URI(url), e.name(), e.size()), got);
        assertArrayEquals(want, got.toByteArray(), url);
        assertEquals(e.digests(), Distfiles.digests(got.toByteArray()), url);
      }
    }
    List<String> requested = server.paths();
    assertEquals(NAMES.size(), requested.size());
    assertEquals(true, requested.contains("/pub/pkgsrc/distfiles/mysql%252B%252B-3.3.0.tar.gz"), requested.toString());
  }
}

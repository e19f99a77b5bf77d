package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distvault.prefetch.source.PkgsrcFixture;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.TestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code prefetch --pbulk-presolve ... --pbulk-mark-failed}: usage errors (exit 2 naming the
 * flag, nothing contacted), and a run against a real server on loopback and a loopback upstream
 * over a pkgsrc tree (the fixture's mk/ with packages whose MASTER_SITES is the upstream) in
 * pbulk's layout {@code BULKLOG/meta/presolve}: exit 1, meta/error, checksum.log, the report's
 * {@code pbulk} field.
 */
@Timeout(120)
class PbulkMarkFailedIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path tmp;
  private CliServer env;
  private Upstream up;
  private Path pkgsrc;
  private Path bulklog;
  private Path presolve;

  private final byte[] good = TestContent.bytes(11, 5000);
  private final byte[] gone = TestContent.bytes(12, 300);

  @BeforeEach
  void start() throws IOException {
    env = CliServer.start(data);
    up = env.upstream();
    up.on("/good-1.0.tar.gz", Upstream.file(good));
    pkgsrc = tree(tmp.resolve("pkgsrc"), up.url("/"));
    bulklog = tmp.resolve("bulklog");
    presolve = Files.writeString(Files.createDirectories(bulklog.resolve("meta")).resolve("presolve"), """
        PKGNAME=good-1.0
        PKG_LOCATION=cat/good
        DEPENDS=
        PKGNAME=gone-2.0
        PKG_LOCATION=cat/gone
        DEPENDS=good-1.0
        """);
  }

  @AfterEach
  void stop() throws IOException {
    env.close();
  }

  /** The fixture's fake mk/ with cat/good and cat/gone, fetched from {@code site}. */
  private Path tree(Path root, String site) throws IOException {
    Path fixture = PkgsrcFixture.tree();
    for (String f : List.of("mk/bsd.pkg.mk", "mk/bsd.pkg.subdir.mk", "mk/misc/category.mk")) {
      Files.createDirectories(root.resolve(f).getParent());
      Files.copy(fixture.resolve(f), root.resolve(f));
    }
    Files.writeString(root.resolve("Makefile"), "SUBDIR+=\tcat\n\n.include \"mk/bsd.pkg.subdir.mk\"\n");
    for (String name : List.of("good-1.0", "gone-2.0")) {
      Path dir = Files.createDirectories(root.resolve("cat/" + name.substring(0, name.indexOf('-'))));
      Files.writeString(dir.resolve("Makefile"), "DISTNAME=\t" + name + "\nMASTER_SITES=\t" + site
          + "\nMASTER_SITE_BACKUP=\n\n.include \"../../mk/bsd.pkg.mk\"\n");
      PrefetchCommandIT.writeDistinfo(dir.resolve("distinfo"),
          Map.of(name + ".tar.gz", name.startsWith("good") ? good : gone));
    }
    return root;
  }

  private CliRun prefetch(String... more) {
    return env.command("prefetch", more);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--manifest M --pbulk-mark-failed|--pbulk-mark-failed goes with --pbulk-presolve",
      "--pkgsrc P --pbulk-mark-failed|--pbulk-mark-failed goes with --pbulk-presolve",
      "--pkgsrc P --pbulk-presolve F --pbulk-bulklog B|--pbulk-bulklog goes with --pbulk-mark-failed",
      "--pkgsrc P --pbulk-presolve F --pbulk-mark-failed --plan-only|--pbulk-mark-failed does not go with --plan-only",
      "--pkgsrc P --pbulk-presolve F --pbulk-mark-failed --pbulk-bulklog B/nowhere|--pbulk-mark-failed: the pbulk "
          + "log directory B/nowhere does not exist"})
  void badPbulkUsageExitsTwoNamingTheFlagAndContactsNothing(String args, String message) throws IOException {
    Path m = Files.writeString(tmp.resolve("m.jsonl"), "");
    List<String> words = new ArrayList<>();
    for (String w : args.split(" ")) {
      words.add(w.equals("M") ? m.toString() : w.equals("P") ? pkgsrc.toString() : w.equals("F")
          ? presolve.toString() : w.replace("B", bulklog.toString()));
    }
    CliRun r = prefetch(words.toArray(String[]::new));
    assertEquals(2, r.code(), r.toString());
    String expected = message.replace("B/", bulklog + "/");
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in " + r);
    assertEquals(0, up.totalRequests());
    assertFalse(Files.exists(bulklog.resolve("meta/error")));
  }

  @Test
  void failedDistfileMarksItsPackageInMetaErrorWithAChecksumLog() throws Exception {
    Path report = tmp.resolve("report.json");
    CliRun r = prefetch("--pkgsrc", pkgsrc.toString(), "--pbulk-presolve", presolve.toString(),
        "--pbulk-mark-failed", "--report", report.toString());

    assertEquals(1, r.code(), r.toString());
    assertEquals("gone-2.0\n", Files.readString(bulklog.resolve("meta/error")));
    assertFalse(Files.exists(bulklog.resolve("good-1.0")));
    String log = Files.readString(bulklog.resolve("gone-2.0/checksum.log"));
    assertTrue(log.contains("Distfile gone-2.0.tar.gz could not be prefetched: HTTP 404 from "
        + up.url("/gone-2.0.tar.gz") + "\n"), log);
    assertTrue(log.contains("PKGPATH:       cat/gone\n"), log);
    assertTrue(r.err().contains("pbulk: failed: gone-2.0 (cat/gone): gone-2.0.tar.gz: HTTP 404 from "), r.toString());
    assertTrue(r.err().contains("pbulk: marked 1 package failed in " + bulklog.resolve("meta/error") + ": gone-2.0"),
        r.toString());

    JsonNode pbulk = JSON.readTree(report.toFile()).path("pbulk");
    assertEquals(bulklog.resolve("meta/error").toString(), pbulk.path("errorFile").asText());
    assertEquals(1, pbulk.path("marked").size(), pbulk.toString());
    JsonNode marked = pbulk.path("marked").get(0);
    assertEquals("gone-2.0", marked.path("pkgname").asText());
    assertEquals("cat/gone", marked.path("pkgpath").asText());
    assertEquals(bulklog.resolve("gone-2.0/checksum.log").toString(), marked.path("log").asText());
    assertEquals("gone-2.0.tar.gz", marked.path("distfiles").get(0).path("name").asText());

    // A rerun lists nothing twice.
    CliRun again = prefetch("--pkgsrc", pkgsrc.toString(), "--pbulk-presolve", presolve.toString(),
        "--pbulk-mark-failed", "--report", report.toString());
    assertEquals(1, again.code(), again.toString());
    assertEquals("gone-2.0\n", Files.readString(bulklog.resolve("meta/error")));
    assertTrue(again.err().contains("pbulk: note: gone-2.0 is already listed in "), again.toString());
  }
}

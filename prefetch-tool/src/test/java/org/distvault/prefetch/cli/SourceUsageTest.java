package org.distvault.prefetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad usage of {@code prefetch} and {@code manifest}: exit 2 with a message naming the problem,
 * before any server is contacted (the server URL below has nothing listening).
 */
class SourceUsageTest {
  @TempDir static Path dir;
  static String token;

  @BeforeAll
  static void tokenFile() throws IOException {
    Path t = dir.resolve("token");
    Files.writeString(t, "a".repeat(64) + "\n");
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-------"));
    token = t.toString();
    Files.writeString(dir.resolve("m.jsonl"), "");
    Files.writeString(dir.resolve("list"), "devel/libfoo\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "prefetch --server S --token-file T|no input: give --manifest FILE.jsonl, or --distinfo DIR_OR_FILE... with "
          + "--site URL..., or --pkgsrc DIR",
      "prefetch --server S --token-file T --manifest D/m.jsonl --pkgsrc D|give only one input, not --manifest and "
          + "--pkgsrc",
      "prefetch --server S --token-file T --distinfo D --pkgsrc D --manifest D/m.jsonl|give only one input, not "
          + "--manifest and --distinfo and --pkgsrc",
      "prefetch --token-file T --manifest D/m.jsonl|Missing required option: '--server=URL'",
      "prefetch --server S --manifest D/m.jsonl|Missing required option: '--token-file=FILE'",
      "prefetch --server S --token-file D/nope --manifest D/m.jsonl|token file D/nope does not exist",
      "prefetch --server ftp://x/ --token-file T --manifest D/m.jsonl|--server 'ftp://x/' must be an http:// or "
          + "https:// URL with a host",
      "prefetch --server S --token-file T --manifest D/missing.jsonl|--manifest D/missing.jsonl: no such file",
      "prefetch --server S --token-file T --distinfo D/none --site http://m/|--distinfo D/none: no such file or "
          + "directory",
      "prefetch --server S --token-file T --distinfo D|--distinfo needs at least one --site URL",
      "prefetch --server S --token-file T --distinfo D --site ftp:x|--site: mirror site 'ftp:x/'",
      "prefetch --server S --token-file T --manifest D/m.jsonl --site http://m/|--site goes with --distinfo",
      "prefetch --server S --token-file T --manifest D/m.jsonl --pkgpaths D/list|--pkgpaths goes with --pkgsrc",
      "prefetch --server S --token-file T --pkgsrc D|--pkgsrc D is not a pkgsrc tree (no Makefile there)",
      "prefetch --server S --token-file T --manifest D/m.jsonl --jobs 0|--jobs and --per-host must be at least 1",
      "prefetch --server S --token-file T --manifest D/m.jsonl --report D/no/such/r.json|--report "
          + "D/no/such/r.json: directory D/no/such does not exist or is not writable",
      "manifest|no input: give --pkgsrc DIR, or --distinfo DIR_OR_FILE... with --site URL...",
      "manifest --manifest D/m.jsonl|Unknown options: '--manifest'",
      "manifest --pkgsrc D --distinfo D --site http://m/|give only one input, not --distinfo and --pkgsrc",
      "manifest --distinfo D --pbulk-presolve D/list --site http://m/|--pbulk-presolve goes with --pkgsrc",
      "manifest --pkgsrc P --pkgpaths D/list --pbulk-presolve D/list|give --pkgpaths or --pbulk-presolve, not both",
      "manifest --pkgsrc P --pkgpaths D/missing|--pkgpaths D/missing: no such file",
      "manifest --pkgsrc P --bmake /nonexistent/bmake|cannot run bmake '/nonexistent/bmake'"})
  void badUsageExitsTwoNamingTheProblem(String args, String message) {
    String fixture = Path.of("src/test/resources/pkgsrc-fixture").toAbsolutePath().normalize()
        .toString();
    String[] words = args.split(" ");
    for (int i = 0; i < words.length; i++) {
      words[i] = expand(words[i], fixture);
    }
    CliRun r = CliRun.of(words);
    assertEquals(2, r.code(), r.toString());
    String expected = expand(message, fixture);
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in " + r);
  }

  private static String expand(String s, String fixture) {
    return s.replace("D/", dir + "/").replaceAll("(?<=^| )D(?=$| )", dir.toString())
        .replaceAll("(?<=^| )P(?=$| )", fixture).replaceAll("(?<=^| )S(?=$| )", "http://127.0.0.1:1")
        .replaceAll("(?<=^| )T(?=$| )", token);
  }
}

package org.distvault.server.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --trap-allow} values and files. */
class AllowListTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "distcc1.example.org:3632|distcc1.example.org:3632",
      "DistCC1.Example.ORG|distcc1.example.org",
      "10.0.0.5:3632|10.0.0.5:3632",
      "[fd00::5]:3632|[fd00::5]:3632",
      "[::1]|[::1]"})
  void entriesParse(String value, String canonical) {
    assertEquals(canonical, AllowList.parseEntry(value).toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "host:0|'host:0': port must be 1-65535, got 0",
      "host:65536|'host:65536': port must be 1-65535, got 65536",
      "host:distcc|'host:distcc': port 'distcc' is not a number",
      "::1:3632|'::1:3632': write an IPv6 address in brackets, e.g. [::1]:3632",
      "[::1|'[::1': unclosed '[' of an IPv6 address",
      "[nothex]:1|'[nothex]:1': 'nothex' is not an IPv6 address",
      "-bad-.org|'-bad-.org': '-bad-.org' is not a host name or address",
      "a/b|'a/b': 'a/b' is not a host name or address",
      "''|'': '' is not a host name or address"})
  void badEntriesNameTheValue(String value, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowList.parseEntry(value));
    assertEquals(message, e.getMessage());
  }

  @Test
  void portlessEntryAllowsEveryPortOfThatHostOnly() {
    AllowList allow = new AllowList(List.of(AllowList.parseEntry("distcc1"), AllowList.parseEntry("distcc2:3632")));
    assertTrue(allow.permits("DISTCC1", 1));
    assertTrue(allow.permits("distcc2", 3632));
    assertFalse(allow.permits("distcc2", 3633));
    assertFalse(allow.permits("distcc3", 3632));
  }

  @Test
  void fileHasCommentsAndBlankLinesAndNamesTheBadLine(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("allow"), "# distcc servers\n\ndistcc1:3632  # rack 1\n  [fd00::7]\n");
    assertEquals("distcc1:3632 [fd00::7]", new AllowList(AllowList.parseFile(good)).toString());
    Path bad = Files.writeString(dir.resolve("bad"), "distcc1:3632\ndistcc2:port\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowList.parseFile(bad));
    assertEquals(bad + ":2: 'distcc2:port': port 'port' is not a number", e.getMessage());
  }
}

package org.distvault.storage.name;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link DistfileName#problem} accepts and the exact reason it gives otherwise. */
class DistfileNameTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "a.tgz", "go/golang.org/x/net/@v/v0.1.0.zip", "mysql%2B%2B-3.3.0.tar.gz", "...", "..a", ".a", "a..",
      "a/.../b", "a/.b/c", "x~y+z@1"})
  void acceptedNames(String name) {
    assertNull(DistfileName.problem(name), name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      ".|'.' path segment", "..|'..' path segment", "a/./b|'.' path segment", "a/../b|'..' path segment",
      "a/..|'..' path segment", "./a|'.' path segment", "a//b|empty path segment", "/a|absolute path",
      "a/|ends with '/'", "a\\b|contains a backslash"})
  void refusedNamesSayWhy(String name, String problem) {
    assertEquals(problem, DistfileName.problem(name));
  }

  @ParameterizedTest
  @CsvSource({"a,1024,", "a,1025,longer than 1024 bytes", "\u20ac,341,", "\u20ac,342,longer than 1024 bytes",
      "\ud83d\ude00,256,", "\ud83d\ude00,257,longer than 1024 bytes"})
  void theLengthLimitCountsUtf8Bytes(String unit, int times, String problem) {
    assertEquals(problem, DistfileName.problem(unit.repeat(times)));
  }
}

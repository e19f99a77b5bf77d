package org.distvault.storage.name;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SetNameTest {
  private static final String ALLOWED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

  @Test
  void everyCharacterOfTheFirst64KIsAllowedExactlyWhenListed() {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      String name = "a" + c;
      if (ALLOWED.indexOf(c) >= 0) {
        assertNull(SetName.problem(name), name);
        assertEquals(name, SetName.of(name).value());
      } else {
        assertEquals("only A-Z, a-z, 0-9, '.', '_' and '-' are allowed", SetName.problem(name), "char " + (int) c);
      }
    }
  }

  @Test
  void lengthAndDotNamesAreChecked() {
    assertEquals("empty", SetName.problem(""));
    assertNull(SetName.problem("x".repeat(SetName.MAX_LENGTH)));
    assertEquals("longer than 64 characters", SetName.problem("x".repeat(SetName.MAX_LENGTH + 1)));
    assertEquals("'.' and '..' are not set names", SetName.problem("."));
    assertEquals("'.' and '..' are not set names", SetName.problem(".."));
    assertNull(SetName.problem("..."));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SetName.of("a/b"));
    assertEquals("invalid set name 'a/b': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed", e.getMessage());
  }
}

package org.distvault.prefetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WriterOutputStreamTest {
  private static final String TEXT = "a-é-€-😀-" + "x".repeat(20_000) + "-ü";

  @Test
  void charactersSplitAcrossWritesAreDecodedWhole() throws IOException {
    byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
    StringWriter w = new StringWriter();
    try (WriterOutputStream out = new WriterOutputStream(w)) {
      for (byte b : bytes) {
        out.write(b);
      }
    }
    assertEquals(TEXT, w.toString());
  }

  @Test
  void largeWritesCrossTheBufferAndCloseLeavesTheWriterUsable() throws IOException {
    StringWriter w = new StringWriter();
    WriterOutputStream out = new WriterOutputStream(w);
    out.write(TEXT.getBytes(StandardCharsets.UTF_8));
    out.close();
    w.write("!");
    assertEquals(TEXT + "!", w.toString());
    assertThrows(IOException.class, () -> out.write(1));
  }

  @Test
  void aTruncatedCharacterAtTheEndBecomesAReplacementCharacter() throws IOException {
    StringWriter w = new StringWriter();
    try (WriterOutputStream out = new WriterOutputStream(w)) {
      out.write(new byte[] {'o', 'k', (byte) 0xe2, (byte) 0x82});
    }
    assertEquals("ok\uFFFD", w.toString());
  }
}

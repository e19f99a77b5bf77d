package org.distvault.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A seal computed the way docs/operations.md tells an operator to check one: the lines {@code
 * name TAB sha512hex} through the real {@code LC_ALL=C sort -u | sha256sum}.
 */
public final class SealCheck {
  private SealCheck() {}

  /** One seal line of {@code name} bound to {@code content}. */
  public static String line(String name, byte[] content) {
    return name + "\t" + TestContent.sha512(content);
  }

  /** {@code sha256:<hex>} of {@code LC_ALL=C sort -u | sha256sum} over {@code lines}, run in {@code dir}. */
  public static String sortUniqSha256(List<String> lines, Path dir) throws Exception {
    Path file = Files.createTempFile(dir, "seal-lines", ".tsv");
    StringBuilder text = new StringBuilder();
    for (String l : lines) {
      text.append(l).append('\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("sh", "-c", "LC_ALL=C sort -u \"$1\" | sha256sum", "sh", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sort | sha256sum did not finish");
    assertEquals(0, p.exitValue(), out);
    return "sha256:" + out.split(" ")[0];
  }
}

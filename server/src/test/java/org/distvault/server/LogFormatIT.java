package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --log-format json}: a started and stopped server's stderr is JSON, one object a line. */
@Timeout(120)
class LogFormatIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path scratch;

  @Test
  void everyStderrLineIsAJsonObjectWithLevelLoggerAndMessage() throws Exception {
    String stderr;
    try (ChildServer child = ChildServer.start(data, scratch, "--log-format", "json")) {
      assertEquals(143, child.terminate());
      stderr = child.stderr();
    }
    List<String> lines = stderr.lines().toList();
    assertFalse(lines.isEmpty(), "no log lines");
    boolean serving = false;
    for (String line : lines) {
      JsonNode n = JSON.readTree(line);
      assertTrue(n.isObject(), line);
      assertTrue(List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(n.path("level").asText()), line);
      assertTrue(n.path("loggerName").asText().startsWith("org.distvault."), line);
      assertTrue(n.path("timestamp").isNumber(), line);
      String message = n.path("formattedMessage").asText();
      assertFalse(message.isEmpty(), line);
      if (n.path("loggerName").asText().equals(DistvaultServer.class.getName())
          && message.startsWith("distvault serving ") && message.contains(" on http://127.0.0.1:")) {
        assertEquals("INFO", n.path("level").asText());
        assertEquals("distvault serving {} on {} ({} mode){}{}", n.path("message").asText());
        serving = true;
      }
    }
    assertTrue(serving, "no 'distvault serving' line in " + stderr);
  }

  @Test
  void textIsTheDefault() throws Exception {
    try (ChildServer child = ChildServer.start(data, scratch)) {
      child.terminate();
      String first = child.stderr().lines().findFirst().orElseThrow();
      assertTrue(first.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ +\\S+ - .*"), first);
    }
  }
}

package org.distvault.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HtmlTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "plain-1.0.tar.gz|plain-1.0.tar.gz",
      "<script>alert(1)</script>|&lt;script&gt;alert(1)&lt;/script&gt;",
      "a&b \"c\" 'd'|a&amp;b &quot;c&quot; &#39;d&#39;",
      "&amp;|&amp;amp;"})
  void escapeReplacesTheFiveSpecialCharacters(String text, String html) {
    assertEquals(html, Html.escape(text));
  }

  @ParameterizedTest
  @CsvSource({"0, 0 B", "1023, 1023 B", "1024, 1.0 KiB", "1572864, 1.5 MiB", "1099511627776, 1.0 TiB"})
  void bytesUseBinaryUnits(long bytes, String text) {
    assertEquals(text, Html.bytes(bytes));
  }

  @ParameterizedTest
  @CsvSource({"0, 0s", "59, 59s", "61, 1m 1s", "3600, 1h 0m 0s", "183845, 2d 3h 4m 5s"})
  void durationsLeaveOutLeadingZeroUnits(long seconds, String text) {
    assertEquals(text, Html.duration(Duration.ofSeconds(seconds)));
  }
}

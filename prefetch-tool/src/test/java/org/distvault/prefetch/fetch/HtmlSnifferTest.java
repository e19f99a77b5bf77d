package org.distvault.prefetch.fetch;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HtmlSnifferTest {

  private static boolean sniff(String body, int pieceSize) {
    byte[] b = body.getBytes(ISO_8859_1);
    HtmlSniffer s = new HtmlSniffer();
    for (int off = 0; off < b.length && !s.decided(); off += pieceSize) {
      s.feed(b, off, Math.min(pieceSize, b.length - off));
    }
    s.end();
    return s.isHtml();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "<!DOCTYPE html><html>|true",
      "<!doctype HTML>|true",
      "\n\n   \t<html lang=en>|true",
      "\u00ef\u00bb\u00bf<!DOCTYPE html>|true",
      "<HTML>|true",
      "<htm|false",
      "<?xml version=1.0?><html>|false",
      "\u001f\u008b\u0008\u0000gzip data|false",
      "PK\u0003\u0004zip|false",
      "<!DOCTYPE svg>|false",
      "hello <html>|false"})
  void leadingMarkerDecidesWhateverTheChunking(String body, boolean html) {
    for (int piece : new int[] {1, 2, 3, 7, 4096}) {
      assertEquals(html, sniff(body, piece), () -> "piece size " + piece + " for " + body);
    }
  }

  @Test
  void htmlNamesMayBeHtml() {
    assertTrue(HtmlSniffer.htmlExpected(DistfileName.of("docs/INDEX.HTM")));
    assertTrue(HtmlSniffer.htmlExpected(DistfileName.of("faq.html")));
    assertFalse(HtmlSniffer.htmlExpected(DistfileName.of("html-5.0.tar.gz")));
  }

  @Test
  void contentTypes() {
    assertTrue(HtmlSniffer.isHtmlContentType("text/html; charset=UTF-8"));
    assertTrue(HtmlSniffer.isHtmlContentType(" TEXT/HTML"));
    assertFalse(HtmlSniffer.isHtmlContentType("application/x-gzip"));
    assertFalse(HtmlSniffer.isHtmlContentType(null));
  }
}

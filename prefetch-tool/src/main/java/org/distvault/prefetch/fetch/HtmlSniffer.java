package org.distvault.prefetch.fetch;

import java.util.Locale;
import org.distvault.storage.name.DistfileName;

/**
 * Recognises an HTML page (error page, captive portal, "download will start" page) arriving
 * where a distfile was expected, from the first bytes of the body.
 *
 * <p>Feed it the body's leading bytes until {@link #decided()}; it looks past leading whitespace
 * and a UTF-8 byte order mark for {@code <!DOCTYPE html} or {@code <html}, case-insensitively.
 * Single use, not thread-safe.
 */
final class HtmlSniffer {
  private static final String[] MARKERS = {"<!doctype html", "<html"};
  private static final int NEED = MARKERS[0].length();
  /** Give up looking after this much leading whitespace. */
  private static final int MAX_LEADING = 4096;

  private final StringBuilder head = new StringBuilder(NEED);
  private long seen;
  private boolean decided;
  private boolean html;

  /** Whether a distfile of this name may legitimately be an HTML page. */
  static boolean htmlExpected(DistfileName name) {
    String n = name.basename().toLowerCase(Locale.ROOT);
    return n.endsWith(".html") || n.endsWith(".htm");
  }

  /** Whether a Content-Type header value says HTML. */
  static boolean isHtmlContentType(String contentType) {
    if (contentType == null) {
      return false;
    }
    String t = contentType.toLowerCase(Locale.ROOT).trim();
    return t.startsWith("text/html") || t.startsWith("application/xhtml+xml");
  }

  void feed(byte[] buf, int off, int len) {
    for (int i = off; i < off + len && !decided; i++, seen++) {
      int b = buf[i] & 0xff;
      if (head.length() == 0) {
        boolean bom = seen < 3 && (b == 0xef || b == 0xbb || b == 0xbf);
        if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || bom) {
          if (seen >= MAX_LEADING) {
            decided = true;
          }
          continue;
        }
      }
      head.append((char) Character.toLowerCase(b));
      if (!couldStillMatch()) {
        decided = true;
      } else if (head.length() >= NEED || matches()) {
        decided = true;
        html = matches();
      }
    }
  }

  /** Ends the body: a short body that spelled a whole marker counts. */
  void end() {
    if (!decided) {
      decided = true;
      html = matches();
    }
  }

  boolean decided() {
    return decided;
  }

  boolean isHtml() {
    return html;
  }

  /** The first characters seen, for the failure message. */
  String head() {
    return head.toString();
  }

  private boolean matches() {
    for (String m : MARKERS) {
      if (head.length() >= m.length() && head.substring(0, m.length()).equals(m)) {
        return true;
      }
    }
    return false;
  }

  private boolean couldStillMatch() {
    for (String m : MARKERS) {
      int n = Math.min(head.length(), m.length());
      if (head.substring(0, n).equals(m.substring(0, n))) {
        return true;
      }
    }
    return false;
  }
}

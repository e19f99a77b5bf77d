package org.distvault.server.status;

import java.time.Duration;
import java.util.Locale;

/**
 * Text made safe for HTML, and the number forms the page shows. Every name on the page (distfiles,
 * packages, sets, reasons) comes from distinfo files or from requests, so every one goes through
 * {@link #escape}.
 */
final class Html {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Html() {}

  /** {@code s} as HTML text or a quoted attribute value: {@code & < > " '} become references. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** {@code bytes} in binary units with one decimal ({@code 1.5 GiB}); exact below 1 KiB. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int unit = 0;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
  }

  /** {@code d} as days, hours, minutes and seconds ({@code 2d 3h 4m 5s}), leading zero units left out. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    StringBuilder b = new StringBuilder();
    if (days > 0) {
      b.append(days).append("d ");
    }
    if (days > 0 || hours > 0) {
      b.append(hours).append("h ");
    }
    if (days > 0 || hours > 0 || minutes > 0) {
      b.append(minutes).append("m ");
    }
    return b.append(s % 60).append('s').toString();
  }
}

package org.distvault.storage.distinfo;

import java.util.Objects;

/**
 * A line of a distinfo file that could not be used as written, and why.
 *
 * <p>The rest of the file is still read; the parser never throws for bad content.
 *
 * @param source the file's label, usually its path
 * @param line 1-based line number
 * @param text the offending line with control characters shown as {@code \xNN}, cut to at most
 *     {@value #MAX_TEXT} characters (then {@code ...}); in a line that is not valid UTF-8 the bad
 *     bytes show as U+FFFD
 * @param message what is wrong with it
 */
public record DistinfoProblem(String source, int line, String text, String message) {
  /** Longest {@link #text} kept, in characters. */
  public static final int MAX_TEXT = 200;

  public DistinfoProblem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(message, "message");
    if (line < 1) {
      throw new IllegalArgumentException("line numbers start at 1, got " + line);
    }
  }

  /** A problem whose text is made printable and short, and whose message printable, first. */
  static DistinfoProblem of(String source, int line, String rawText, String message) {
    return new DistinfoProblem(
        source, line, printable(rawText, MAX_TEXT), printable(message, Integer.MAX_VALUE));
  }

  /** {@code source:line: message: text}, the form compilers use. */
  @Override
  public String toString() {
    return source + ":" + line + ": " + message + ": " + text;
  }

  private static String printable(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 3);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String piece;
      if (c < 0x20 || c == 0x7f) {
        piece = String.format("\\x%02x", (int) c);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        piece = s.substring(i, i + 2); // never cut a surrogate pair in half
        i++;
      } else {
        piece = String.valueOf(c);
      }
      if (b.length() + piece.length() > max) {
        b.append("...");
        break;
      }
      b.append(piece);
    }
    return b.toString();
  }
}

package org.distvault.storage.distinfo;

import java.util.Arrays;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;

/**
 * One entry line of a distinfo file, parsed: a digest distvault knows, a digest it cannot use, a
 * {@code Size}, or the reason the line is none of these.
 *
 * <p>Fields are split on runs of spaces and tabs, as pkgsrc's awk and shell readers split them,
 * so {@code Size (f) =  123 bytes} (two spaces) is fine, and so is {@code Size (f) = 123} (no
 * unit: {@code mk/fetch/fetch} reads the unit into a variable it never checks). A name cannot
 * contain whitespace: {@code checksum.awk} takes it from one field.
 */
sealed interface EntryLine {

  /** {@code ALG (name) = hex} for an algorithm distvault computes. */
  record KnownDigest(String name, Digest digest) implements EntryLine {}

  /** {@code ALG (name) = value} that distvault cannot use: an unknown ALG or {@code IGNORE}. */
  record OtherDigest(String name, String algorithm, String value) implements EntryLine {}

  /** {@code Size (name) = N bytes}. */
  record Size(String name, long bytes) implements EntryLine {}

  /** Not a usable entry line; the message says why. */
  record Malformed(String message) implements EntryLine {}

  /** The value pkgsrc's distinfo.awk writes for IGNOREFILES and checksum.awk skips. */
  String IGNORE = "IGNORE";

  /** Why a line of the wrong shape is rejected. */
  String EXPECTED =
      "not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'";

  /**
   * Parses a line that is not blank, not a comment and not an RCS Id; {@code text} has no
   * surrounding whitespace.
   */
  static EntryLine parse(String text) {
    String[] f = fields(text);
    if (f == null || f.length < 4 || !f[2].equals("=")) {
      return new Malformed(EXPECTED);
    }
    String alg = f[0];
    String paren = f[1];
    if (paren.length() < 2 || paren.charAt(0) != '(' || paren.charAt(paren.length() - 1) != ')') {
      return new Malformed(EXPECTED);
    }
    if (!isWord(alg)) {
      return new Malformed("'" + alg + "' is not an algorithm name; " + EXPECTED);
    }
    String name = paren.substring(1, paren.length() - 1);
    String nameProblem = DistfileName.problem(name);
    if (nameProblem != null) {
      return new Malformed("invalid name '" + name + "': " + nameProblem);
    }
    String value = f[3];
    String extra = f.length > 4 ? f[4] : null;
    if (alg.equals("Size")) {
      return size(name, value, extra);
    }
    if (extra != null) {
      return new Malformed("unexpected '" + extra + "' after the digest");
    }
    return digest(alg, name, value);
  }

  private static EntryLine size(String name, String value, String unit) {
    if (unit != null && !unit.equals("bytes")) {
      return new Malformed("unexpected '" + unit + "' after the Size value (expected 'bytes')");
    }
    if (!isDigits(value)) {
      return new Malformed("Size value '" + value + "' is not a number of bytes");
    }
    int start = 0;
    while (start < value.length() - 1 && value.charAt(start) == '0') {
      start++;
    }
    String digits = value.substring(start);
    // Compare as text so that values beyond a long are reported rather than overflowing.
    String max = Long.toString(Long.MAX_VALUE);
    if (digits.length() > max.length()
        || (digits.length() == max.length() && digits.compareTo(max) > 0)) {
      return new Malformed("Size value " + value + " is too large");
    }
    return new Size(name, Long.parseLong(digits));
  }

  private static EntryLine digest(String alg, String name, String value) {
    DigestAlgorithm known = exactAlgorithm(alg);
    if (known == null) {
      if (DigestAlgorithm.byName(alg).isPresent()) {
        // checksum.awk looks results up under the spelling digest(1) prints, so "sha512"
        // never matches anything in pkgsrc.
        String spelled = DigestAlgorithm.byName(alg).get().distinfoName();
        return new Malformed("algorithm '" + alg + "' must be spelled '" + spelled + "'");
      }
      if (!value.equals(IGNORE) && !isLowerHex(value)) {
        return new Malformed(alg + " digest '" + value + "' is not lower-case hex");
      }
      return new OtherDigest(name, alg, value);
    }
    if (value.equals(IGNORE)) {
      return new OtherDigest(name, alg, value);
    }
    if (value.length() != known.hexLength()) {
      return new Malformed(
          alg + " digest must be " + known.hexLength() + " hex digits, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isLowerHexDigit(c)) {
        return new Malformed(
            Character.digit(c, 16) >= 0
                ? alg + " digest must be lower-case hex (pkgsrc compares the text exactly)"
                : alg + " digest has a non-hex character '" + c + "' at position " + (i + 1));
      }
    }
    return new KnownDigest(name, Digest.fromHex(known, value));
  }

  /** The algorithm spelled exactly as distinfo files spell it, or null. */
  private static DigestAlgorithm exactAlgorithm(String alg) {
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      if (a.distinfoName().equals(alg)) {
        return a;
      }
    }
    return null;
  }

  /** Splits on runs of spaces and tabs; null when there are more than five fields. */
  private static String[] fields(String text) {
    String[] out = new String[5];
    int n = 0;
    int i = 0;
    int len = text.length();
    while (i < len) {
      while (i < len && isBlank(text.charAt(i))) {
        i++;
      }
      if (i == len) {
        break;
      }
      int start = i;
      while (i < len && !isBlank(text.charAt(i))) {
        i++;
      }
      if (n == out.length) {
        return null;
      }
      out[n++] = text.substring(start, i);
    }
    return Arrays.copyOf(out, n);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isWord(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isLowerHexDigit(s.charAt(i))) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static boolean isLowerHexDigit(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
  }
}

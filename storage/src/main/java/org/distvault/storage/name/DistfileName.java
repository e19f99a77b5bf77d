package org.distvault.storage.name;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A distfile name relative to DISTDIR: {@code file} or {@code subdir/.../file}, kept exactly as
 * pkgsrc writes it (no percent-decoding, no Unicode normalisation).
 *
 * <p>Names that could escape the store or confuse a filesystem are rejected: empty names or
 * segments, {@code .} and {@code ..} segments, a leading or trailing {@code /}, NUL and other
 * control characters, backslashes, and names longer than {@link #MAX_BYTES} bytes in UTF-8.
 */
public final class DistfileName implements Comparable<DistfileName> {
  /** Longest accepted name in UTF-8 bytes (real pkgsrc names stay well under 300). */
  public static final int MAX_BYTES = 1024;

  private final String value;

  private DistfileName(String value) {
    this.value = value;
  }

  /**
   * Validates and wraps a name.
   *
   * @throws InvalidNameException naming what is wrong with it
   */
  public static DistfileName of(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new InvalidNameException(name, problem);
    }
    return new DistfileName(name);
  }

  /** Whether {@link #of} would accept the name. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /** Why a name is not acceptable, or {@code null} when it is. */
  public static String problem(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      return "empty name";
    }
    // A char takes 1 to 3 UTF-8 bytes (a surrogate pair 4 for 2): encode only when it may matter.
    if (name.length() > MAX_BYTES
        || (name.length() * 3 > MAX_BYTES && name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES)) {
      return "longer than " + MAX_BYTES + " bytes";
    }
    if (name.startsWith("/")) {
      return "absolute path";
    }
    if (name.endsWith("/")) {
      return "ends with '/'";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == 0) {
        return "contains NUL";
      }
      if (c < 0x20 || c == 0x7f) {
        return "contains control character 0x" + Integer.toHexString(c);
      }
      if (c == '\\') {
        return "contains a backslash";
      }
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c)
              && i + 1 < name.length()
              && Character.isLowSurrogate(name.charAt(i + 1)))
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1)))) {
        return "contains an unpaired surrogate";
      }
    }
    // Every served request checks its name: walk the segments in place rather than split.
    for (int from = 0; from <= name.length(); ) {
      int to = name.indexOf('/', from);
      if (to < 0) {
        to = name.length();
      }
      int length = to - from;
      if (length == 0) {
        return "empty path segment";
      }
      if ((length == 1 || length == 2) && name.startsWith("..".substring(0, length), from)) {
        return "'" + name.substring(from, to) + "' path segment";
      }
      from = to + 1;
    }
    return null;
  }

  /** The name as written by pkgsrc. */
  public String value() {
    return value;
  }

  /** The name's exact UTF-8 bytes (the catalog key form). */
  public byte[] utf8() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** The last segment: the file name without DIST_SUBDIR. */
  public String basename() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  /** The DIST_SUBDIR part, or the empty string. */
  public String subdir() {
    int i = value.lastIndexOf('/');
    return i < 0 ? "" : value.substring(0, i);
  }

  @Override
  public int compareTo(DistfileName o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DistfileName n && n.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}

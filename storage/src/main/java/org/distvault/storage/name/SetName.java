package org.distvault.storage.name;

import java.util.Objects;

/**
 * The name of a source set: the distfiles of one bulk build, sealed on its own. One to 64
 * characters of {@code A-Z a-z 0-9 . _ -}, so that it is safe in a URL path segment, a file name
 * and a metric's log line as it is. The set {@link #DEFAULT} always exists.
 */
public record SetName(String value) implements Comparable<SetName> {
  public static final int MAX_LENGTH = 64;

  /** The set that every route without {@code /set/<name>/} uses. */
  public static final SetName DEFAULT = new SetName("default");

  public SetName {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException("invalid set name '" + value + "': " + problem);
    }
  }

  /**
   * Validates and wraps a set name.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static SetName of(String value) {
    return new SetName(value);
  }

  /** Why {@code value} is not a set name, or {@code null} when it is one. */
  public static String problem(String value) {
    Objects.requireNonNull(value, "set name");
    if (value.isEmpty()) {
      return "empty";
    }
    if (value.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    // A loop, not a regex: every request through /set/ checks its set name.
    for (int i = 0; i < value.length(); i++) {
      if (!allowed(value.charAt(i))) {
        return "only A-Z, a-z, 0-9, '.', '_' and '-' are allowed";
      }
    }
    if (value.equals(".") || value.equals("..")) {
      return "'.' and '..' are not set names";
    }
    return null;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
  }

  public boolean isDefault() {
    return equals(DEFAULT);
  }

  @Override
  public int compareTo(SetName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

package org.distvault.storage.name;

/** A distfile name that is not acceptable; the message says why. */
public final class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String reason;

  public InvalidNameException(String name, String reason) {
    super("invalid distfile name '" + printable(name) + "': " + reason);
    this.name = name;
    this.reason = reason;
  }

  public String name() {
    return name;
  }

  public String reason() {
    return reason;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int limit = Math.min(s.length(), 200);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > limit) {
      b.append("...");
    }
    return b.toString();
  }
}

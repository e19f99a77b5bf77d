package org.distvault.server.http;

/**
 * A pkgsrc PKGPATH, {@code category/package}, as it appears in {@code /pkg/<cat>/<pkg>/} URLs.
 *
 * <p>Each part is 1 to 64 of {@code A-Z a-z 0-9 . _ + -} and neither {@code .} nor {@code ..}; every
 * directory of a pkgsrc tree (including {@code wip}) fits.
 */
public record PkgPath(String category, String pkg) {
  /** Longest category or package directory name. */
  private static final int MAX_PART = 64;

  public PkgPath {
    check("category", category);
    check("package", pkg);
  }

  /** Whether {@code part} may be a category or package directory name. */
  public static boolean isValidPart(String part) {
    int n = part.length();
    if (n < 1 || n > MAX_PART || part.equals(".") || part.equals("..")) {
      return false;
    }
    // A loop, not a regex: it runs for every /pkg/ request.
    for (int i = 0; i < n; i++) {
      char c = part.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '+' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void check(String what, String part) {
    if (part == null || !isValidPart(part)) {
      throw new IllegalArgumentException("invalid PKGPATH " + what + " '" + part + "'");
    }
  }

  /** {@code category/package}. */
  @Override
  public String toString() {
    return category + "/" + pkg;
  }
}

package org.distvault.server.http;

import java.util.regex.Pattern;

/**
 * A pkgsrc PKGPATH, {@code category/package}, as it appears in {@code /pkg/<cat>/<pkg>/} URLs.
 *
 * <p>Each part is 1 to 64 of {@code A-Z a-z 0-9 . _ + -} and neither {@code .} nor {@code ..}; every
 * directory of a pkgsrc tree (including {@code wip}) fits.
 */
public record PkgPath(String category, String pkg) {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9._+-]{1,64}");

  public PkgPath {
    check("category", category);
    check("package", pkg);
  }

  /** Whether {@code part} may be a category or package directory name. */
  public static boolean isValidPart(String part) {
    return PART.matcher(part).matches() && !part.equals(".") && !part.equals("..");
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

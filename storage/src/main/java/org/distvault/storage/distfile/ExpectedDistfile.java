package org.distvault.storage.distfile;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;

/**
 * What a manifest line or a distinfo entry says a distfile should be: the input of {@code
 * Vault#expect}.
 *
 * <p>Package paths are kept sorted and URLs in the given order without repeats.
 *
 * @param size expected size in bytes, or empty when the source does not say (old distinfo)
 * @param digests any subset of the known algorithms; may be empty
 * @param pkgpaths the PKGPATHs ({@code category/package}) that list this distfile
 * @param urls full upstream URLs, in the order to try them
 */
public record ExpectedDistfile(
    DistfileName name, OptionalLong size, Digests digests, Set<String> pkgpaths, List<String> urls) {

  public ExpectedDistfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(digests, "digests");
    if (size.isPresent() && size.getAsLong() < 0) {
      throw new IllegalArgumentException(name + ": negative size " + size.getAsLong());
    }
    pkgpaths = checkedPkgpaths(pkgpaths);
    urls = checkedUrls(urls);
  }

  /**
   * Checks a PKGPATH: two non-empty segments {@code category/package}, no whitespace, control
   * characters or backslashes, and neither segment {@code .} or {@code ..}.
   *
   * @return the path unchanged
   * @throws IllegalArgumentException naming the path and what is wrong with it
   */
  public static String checkPkgpath(String pkgpath) {
    Objects.requireNonNull(pkgpath, "pkgpath");
    // In place rather than split: every manifest line and distinfo entry checks its PKGPATHs.
    int slash = pkgpath.indexOf('/');
    if (slash < 0 || pkgpath.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          "PKGPATH '" + pkgpath + "' must be category/package (two segments)");
    }
    if (!validSegment(pkgpath, 0, slash) || !validSegment(pkgpath, slash + 1, pkgpath.length())) {
      throw new IllegalArgumentException("PKGPATH '" + pkgpath + "' has an invalid segment");
    }
    for (int i = 0; i < pkgpath.length(); i++) {
      char c = pkgpath.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '\\') {
        throw new IllegalArgumentException(
            "PKGPATH '" + pkgpath + "' contains a forbidden character at position " + i);
      }
    }
    return pkgpath;
  }

  /** Whether {@code s[from, to)} is a segment other than empty, {@code .} and {@code ..}. */
  private static boolean validSegment(String s, int from, int to) {
    int length = to - from;
    return length > 2 || (length > 0 && !s.startsWith("..".substring(0, length), from));
  }

  public static SortedSet<String> checkedPkgpaths(Collection<String> pkgpaths) {
    TreeSet<String> sorted = new TreeSet<>();
    for (String p : pkgpaths) {
      sorted.add(checkPkgpath(p));
    }
    return Collections.unmodifiableSortedSet(sorted);
  }

  public static List<String> checkedUrls(Collection<String> urls) {
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String u : urls) {
      Objects.requireNonNull(u, "url");
      if (u.isEmpty() || hasSpaceOrControl(u)) {
        throw new IllegalArgumentException("URL '" + u + "' is empty or contains whitespace");
      }
      distinct.add(u);
    }
    return List.copyOf(distinct);
  }

  private static boolean hasSpaceOrControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}

package org.distvault.prefetch.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * A package to scan: its PKGPATH and, for one variant of a multi-version package, the
 * variables pbulk sets for it ({@code MULTI_VERSION= PYTHON_VERSION_REQD=312}).
 *
 * @param pkgpath {@code category/package}
 * @param multiVersion variable assignments in pbulk's order; empty for the default variant
 */
public record PackageRef(String pkgpath, Map<String, String> multiVersion) {
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  public PackageRef {
    ExpectedDistfile.checkPkgpath(pkgpath);
    Objects.requireNonNull(multiVersion, "multiVersion");
    for (Map.Entry<String, String> e : multiVersion.entrySet()) {
      if (!VARIABLE.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("'" + e.getKey() + "' is not a make variable name");
      }
      if (e.getValue().chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException(
            "value of " + e.getKey() + " contains whitespace or a control character");
      }
    }
    multiVersion = Collections.unmodifiableMap(new LinkedHashMap<>(multiVersion));
  }

  /** The default variant of a package. */
  public static PackageRef of(String pkgpath) {
    return new PackageRef(pkgpath, Map.of());
  }

  /** Whether {@code name} may be a make variable in a MULTI_VERSION assignment. */
  static boolean isVariableName(String name) {
    return VARIABLE.matcher(name).matches();
  }

  /** The variables as make command-line assignments, as pbulk's pkg-build passes them. */
  List<String> makeAssignments() {
    List<String> out = new ArrayList<>(multiVersion.size());
    multiVersion.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /** {@code lang/py-thing} or {@code lang/py-thing (PYTHON_VERSION_REQD=312)}. */
  @Override
  public String toString() {
    return multiVersion.isEmpty() ? pkgpath : pkgpath + " (" + String.join(" ", makeAssignments()) + ")";
  }
}

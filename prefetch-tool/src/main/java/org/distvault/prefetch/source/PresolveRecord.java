package org.distvault.prefetch.source;

import java.util.Objects;

/**
 * One package record of a pbulk {@code meta/presolve} file: the PKGNAME pbulk builds and keeps
 * its books by (meta/success, meta/error, the log directory), and the package to scan for it.
 *
 * @param pkgname the record's {@code PKGNAME=} value, e.g. {@code py312-thing-1.0}
 * @param ref its {@code PKG_LOCATION} and {@code MULTI_VERSION} variables
 */
public record PresolveRecord(String pkgname, PackageRef ref) {

  public PresolveRecord {
    Objects.requireNonNull(pkgname, "pkgname");
    Objects.requireNonNull(ref, "ref");
  }
}

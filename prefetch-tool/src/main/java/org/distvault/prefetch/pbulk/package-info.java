/**
 * pbulk's side of a prefetch: {@link org.distvault.prefetch.pbulk.PbulkFailures} maps what could
 * not be prefetched (failed distfiles, packages whose scan failed) to the PKGNAMEs of pbulk's
 * {@code meta/presolve}, multi-version variants apart, and {@link
 * org.distvault.prefetch.pbulk.PbulkFailureMarker} writes them where pbulk picks them up before
 * its build starts: each package's reason into {@code ${bulklog}/PKGNAME/checksum.log} ({@link
 * org.distvault.prefetch.pbulk.PackageLog}), its PKGNAME into {@code meta/error} ({@link
 * org.distvault.prefetch.pbulk.ErrorList}), so pbulk-build counts it failed without building it
 * and the report links the reason.
 */
package org.distvault.prefetch.pbulk;

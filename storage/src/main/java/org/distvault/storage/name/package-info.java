/** Validated distfile names: the DISTDIR-relative {@code [DIST_SUBDIR/]file} form pkgsrc uses. */
package org.distvault.storage.name;

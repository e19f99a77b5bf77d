/**
 * The prefetch manifest: JSON lines, one expected distfile per line ({@code name}, {@code
 * pkgpaths}, {@code size}, {@code digests}, {@code urls}), as in the admin API contract. {@link
 * org.distvault.prefetch.manifest.ManifestReader} streams and validates it line by line and names
 * the line and the fault of every malformed one; {@link
 * org.distvault.prefetch.manifest.ConflictCheck} finds lines that contradict an earlier one about
 * the same name and PKGPATH; {@link org.distvault.prefetch.manifest.ManifestWriter} writes the
 * canonical form.
 */
package org.distvault.prefetch.manifest;

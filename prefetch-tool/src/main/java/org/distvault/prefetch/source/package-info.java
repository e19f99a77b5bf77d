/**
 * Manifest sources other than a JSON-lines manifest: {@link
 * org.distvault.prefetch.source.DistinfoSource} turns distinfo files plus NetBSD-layout mirror
 * sites into expected distfiles; {@link org.distvault.prefetch.source.PkgsrcScanner} asks bmake,
 * in every package pbulk's scan would visit (or in those a {@link
 * org.distvault.prefetch.source.PkgpathListReader package list} or a {@link
 * org.distvault.prefetch.source.PresolveReader pbulk presolve file} names), which files the
 * package fetches from which sites, and joins that with the package's distinfo. Each returns
 * the entries and every {@link org.distvault.prefetch.source.SourceProblem problem} it met, named
 * by file and line or by PKGPATH; one bad package or line never stops the rest.
 */
package org.distvault.prefetch.source;

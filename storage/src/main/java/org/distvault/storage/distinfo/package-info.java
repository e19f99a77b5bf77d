/**
 * The pkgsrc {@code distinfo} parser: reads the checksum files of a pkgsrc tree exactly as
 * pkgsrc's {@code distinfo.awk}, {@code checksum.awk} and {@code fetch} read them, keeping
 * distfile entries ({@code [DIST_SUBDIR/]name}, digests, Size) apart from patch entries, and
 * tolerating the oddities of real trees (CRLF, no final newline, blank lines, comments, missing
 * or odd headers, {@code Size} without {@code bytes}, empty files). A malformed line becomes a
 * {@link org.distvault.storage.distinfo.DistinfoProblem} naming the file and line; it never
 * stops the rest of the file from being read.
 */
package org.distvault.storage.distinfo;

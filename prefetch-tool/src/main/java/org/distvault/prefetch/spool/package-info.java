/**
 * The spool: downloads land in files under the work directory (never in memory) while every
 * needed digest is computed in the same pass; {@link org.distvault.prefetch.spool.SpoolFile#verify}
 * checks size and digests and yields a {@link org.distvault.prefetch.spool.VerifiedBlob}, or
 * deletes the file. {@link org.distvault.prefetch.spool.Spool} locks the work directory and
 * removes what a killed run left behind.
 */
package org.distvault.prefetch.spool;

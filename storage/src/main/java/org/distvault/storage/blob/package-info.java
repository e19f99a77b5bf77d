/**
 * The content-addressed blob store on the filesystem: every distfile's bytes live once, read-only,
 * under {@code DATA/blobs/sha512/ab/cd/<sha512 hex>}. Ingest streams into {@code DATA/tmp/} while
 * computing every needed digest in one pass, then fsyncs, verifies, renames atomically into place
 * and fsyncs the directory, so a crash leaves either the whole verified blob or nothing; start-up
 * cleans {@code DATA/tmp/}, and the scrubber moves any blob whose bytes no longer match its name to
 * {@code DATA/quarantine/}. This package knows nothing about the catalog or HTTP.
 */
package org.distvault.storage.blob;

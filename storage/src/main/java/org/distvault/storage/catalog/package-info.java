/**
 * The catalog: what distvault expects and what it holds, kept in RocksDB under {@code DATA/index/}.
 *
 * <p>It records expected distfiles (a name with one or more content <em>variants</em>, each with
 * its size, digests, package paths, upstream URLs, last prefetch outcome and the blob it is bound
 * to), the stored blobs (by SHA-512, with every digest computed at ingest), a digest index for
 * {@code /by-hash/}, append-only logs (violations, audit) whose appends are group-committed to a
 * synced write-ahead log, and a small key/value state area (mode, seal). {@link
 * org.distvault.storage.catalog.Catalog} is the only entry point; it is safe to close while other
 * threads use it. This is the only package that imports {@code org.rocksdb}.
 */
package org.distvault.storage.catalog;

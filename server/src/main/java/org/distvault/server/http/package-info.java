/**
 * The HTTP serving layer: parses request targets ({@code /distfiles/}, {@code /pkg/}, {@code /run/},
 * {@code /by-hash/}) from the raw request line, rejects hostile paths before anything is looked
 * up, and serves stored blobs zero-copy with validators, ranges and conditional requests. What
 * is served comes through the {@link org.distvault.server.http.BlobSource} seam.
 */
package org.distvault.server.http;

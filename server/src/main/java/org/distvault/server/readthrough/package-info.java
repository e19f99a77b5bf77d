/**
 * Online read-through: a request for a catalogued distfile the cache does not hold yet is fetched
 * from the distfile's upstream URLs with the prefetch tool's downloader, verified against the
 * catalogued size and digests while it streams into the vault, and only then stored, bound and
 * served. Concurrent requests for the same content share one download. Used in online mode only:
 * offline, the server holds no {@link org.distvault.server.readthrough.UpstreamReadThrough} at all,
 * so a miss cannot open an outbound connection.
 */
package org.distvault.server.readthrough;

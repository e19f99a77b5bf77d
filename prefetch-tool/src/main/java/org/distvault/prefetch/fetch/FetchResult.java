package org.distvault.prefetch.fetch;

import java.net.URI;

/**
 * A fetch that delivered its whole body to the sink (not yet verified against digests).
 *
 * @param bytes body length written to the sink
 * @param finalUrl the URL the body came from, after redirects
 */
public record FetchResult(long bytes, URI finalUrl) {}

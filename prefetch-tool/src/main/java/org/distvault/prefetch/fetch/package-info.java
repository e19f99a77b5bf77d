/**
 * Fetching one upstream URL into a sink: the {@link org.distvault.prefetch.fetch.Fetcher} seam
 * and its http/https ({@link org.distvault.prefetch.fetch.HttpFetcher}), ftp ({@link
 * org.distvault.prefetch.fetch.FtpFetcher}) and file ({@link
 * org.distvault.prefetch.fetch.FileFetcher}) implementations. Every failure is a {@link
 * org.distvault.prefetch.fetch.FetchFailure} with a one-line reason and a {@link
 * org.distvault.prefetch.fetch.Retry} classification; the limits (size, timeouts, redirects,
 * HTML pages instead of the distfile) are enforced while the bytes stream.
 */
package org.distvault.prefetch.fetch;

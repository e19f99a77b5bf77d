/**
 * The cache server's admin API from the prefetch tool's side ({@code /api/v1/have}, blob upload,
 * outcomes), as a {@link org.distvault.prefetch.deliver.BlobSink}.
 */
package org.distvault.prefetch.client;

/**
 * The cache server's admin API from the client side: {@link org.distvault.prefetch.client.AdminApi},
 * the one HTTP client every subcommand uses; {@link org.distvault.prefetch.client.ServerClient},
 * the prefetch run's {@link org.distvault.prefetch.deliver.BlobSink} on top of it ({@code
 * /api/v1/have}, blob upload, outcomes); and {@link org.distvault.prefetch.client.AdminToken},
 * the one reader of the admin token file.
 */
package org.distvault.prefetch.client;

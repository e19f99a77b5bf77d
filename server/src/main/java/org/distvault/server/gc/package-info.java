/**
 * Garbage collection as the server runs it: on request ({@code POST /api/v1/gc}) and, with {@code
 * serve --max-size}, by itself when the stored blobs outgrow the bound; its metrics.
 */
package org.distvault.server.gc;

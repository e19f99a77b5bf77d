/**
 * The status page ({@code GET /}, {@code /status}, {@code /status.json}): one snapshot of the
 * server's state, rendered as a self-contained HTML page or as JSON, and the in-memory history of
 * request rates it charts.
 */
package org.distvault.server.status;

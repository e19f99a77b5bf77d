/**
 * Prometheus metrics: {@link org.distvault.server.metrics.ServerMetrics} owns every meter name and
 * is fed by the request observer, the violation recorder and the ingest listener.
 */
package org.distvault.server.metrics;

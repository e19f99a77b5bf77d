/**
 * Tests of the monitoring material under {@code ops/prometheus/} and {@code ops/grafana/}: promtool
 * checks and unit tests of the alert rules, and a check that every metric the dashboard and the
 * alerts query is one the real server exports, read with a small PromQL selector reader.
 */
package org.distvault.e2e.monitoring;

/**
 * Health: the conditions under which the server still answers but cannot do all it should (the
 * data file system nearly full, catalog writes failing, the violations file behind the catalog),
 * raised and cleared where they are noticed ({@link org.distvault.server.health.Health}), logged
 * once per change, shown by {@code /healthz} and the {@code distvault_degraded} metric.
 */
package org.distvault.server.health;

/**
 * Politeness towards upstream hosts: a global concurrency limit, a per-host limit that adapts
 * to the host's measured throughput and backs off on trouble ({@link
 * org.distvault.prefetch.throttle.AdaptiveLimit}), Retry-After and a minimum delay between
 * requests to one host. {@link org.distvault.prefetch.throttle.HostScheduler} keeps one queue
 * per host and starts a task only when both a global and a host slot are free, so a slow host
 * never holds a worker that a fast host could use.
 */
package org.distvault.prefetch.throttle;

/**
 * Tests of the build-host material on loopback: the {@code ops/pkgsrc/mk.conf} fragment as bmake
 * reads it, the cache-only fetch wrapper {@code ops/pkgsrc/distvault-fetch} invoked the way
 * pkgsrc's fetch script invokes a custom {@code FETCH_CMD} with curl, wget and tnftp (resume
 * included), and the argument handling of {@code ops/firewall/distvault-lockcheck}, against the
 * real distvault jar filled by the real prefetch from a local upstream.
 */
package org.distvault.e2e.buildhost;

/**
 * The end-to-end proof on Linux network namespaces: an upstream site, a fetch host, the
 * distvault cache and a build host whose only route is to the cache, locked further by the
 * {@code ops/firewall/nftables.conf} example. Prefetch through the cache's API, seal, then from
 * the build host: hits work with curl, wget, tnftp and the {@code ops/pkgsrc} fetch setup, direct
 * downloads fail, and misses become violations attributed to the package and the host.
 */
package org.distvault.e2e.netns;

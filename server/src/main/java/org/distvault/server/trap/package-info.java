/**
 * The egress trap proxy: an optional second listener of {@code distvault serve} that build hosts
 * use as their HTTP(S) proxy. It never forwards a request to the network, except {@code CONNECT}
 * tunnels to allow-listed hosts ({@link org.distvault.server.trap.AllowList}); every other attempt
 * is answered with a one-line 403 and recorded, durably and before the answer, as a violation of
 * kind {@code egress} attributed to the PKGPATH the proxy URL carries as its user name ({@link
 * org.distvault.server.trap.ProxyCredentials}). A small blocking server with strict limits ({@link
 * org.distvault.server.trap.TrapProxy}): bounded connections, a header size limit, a deadline for
 * the whole request head and idle timeouts on tunnels, so that no thread is held forever.
 */
package org.distvault.server.trap;

/**
 * The {@code distvault} command line (picocli): {@code serve} runs the server; {@code mode},
 * {@code prefetch}, {@code violations} and {@code scrub} talk to a running one through the admin
 * API; {@code manifest} writes a pkgsrc tree's manifest without a server.
 */
package org.distvault.server.cli;

/**
 * The {@code distvault} command line (picocli): {@code serve} runs the server; {@code mode},
 * {@code violations} and {@code scrub} talk to a running one through the admin API.
 */
package org.distvault.server.cli;

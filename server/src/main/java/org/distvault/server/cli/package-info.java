/**
 * The {@code distvault} command line (picocli): {@code serve} runs the server; {@code mode},
 * {@code violations} and {@code scrub} talk to a running one through the admin API. {@link
 * org.distvault.server.cli.Main} also registers the prefetch tool's {@code prefetch} and {@code
 * manifest} (org.distvault.prefetch.cli), so the one jar carries every subcommand.
 */
package org.distvault.server.cli;

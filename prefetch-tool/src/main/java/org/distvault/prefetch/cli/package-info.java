/**
 * The prefetch tool's command line (picocli): {@code prefetch} fills a running server before a
 * bulk build, {@code manifest} writes a pkgsrc tree's manifest without a server. Also what every
 * subcommand shares: the {@code --server}/{@code --token-file} options and {@link
 * org.distvault.prefetch.cli.AdminCalls} over the one admin client, {@link
 * org.distvault.prefetch.cli.ExitCode}, {@link org.distvault.prefetch.cli.CliException} and
 * {@link org.distvault.prefetch.cli.CommandRunner}. The server module's {@code Main} registers
 * these commands beside its own, so the one jar carries them all.
 */
package org.distvault.prefetch.cli;

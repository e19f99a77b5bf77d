/**
 * Standalone serving of a plain directory of files, for benchmarks against nginx and for trying the
 * serving layer by hand: {@link org.distvault.server.bench.DirectoryBlobSource} and
 * {@link org.distvault.server.bench.ServeDirectoryMain}.
 */
package org.distvault.server.bench;

/**
 * Where verified distfiles go: the {@link org.distvault.prefetch.deliver.BlobSink} seam (which
 * entries are already held, deliver a verified blob, record outcomes), the per-distfile {@link
 * org.distvault.prefetch.deliver.Outcome} and its one JSON form ({@link
 * org.distvault.prefetch.deliver.OutcomeJson}), and {@link org.distvault.prefetch.deliver.DirectorySink},
 * which mirrors into a plain DISTDIR layout. The cache server's sink is {@link
 * org.distvault.prefetch.client.ServerClient}.
 */
package org.distvault.prefetch.deliver;

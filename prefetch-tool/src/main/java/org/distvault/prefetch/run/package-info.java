/**
 * A prefetch run: {@link org.distvault.prefetch.run.Prefetcher} plans (one download per content,
 * skipping what the destination holds), downloads through the throttle, verifies while
 * streaming, delivers each verified blob at once and records an {@link
 * org.distvault.prefetch.deliver.Outcome} per distfile; {@link
 * org.distvault.prefetch.run.PrefetchReport} and {@link org.distvault.prefetch.run.ReportWriter}
 * turn them into the JSON report and pbulk's per-package failure list; {@link
 * org.distvault.prefetch.run.Progress} shows how far it got.
 */
package org.distvault.prefetch.run;

package org.distvault.prefetch.run;

/**
 * What a prefetch run would do, worked out without downloading anything: how many entries the
 * destination already holds, and the downloads the others need (one per distinct content).
 *
 * @param entries manifest entries considered
 * @param present entries the destination holds with the expected content
 * @param toFetch entries it does not hold
 * @param downloads distinct contents among {@code toFetch}: one download each
 * @param knownBytes total size of those downloads, counting only sizes the manifest gives
 */
public record PrefetchPlan(int entries, int present, int toFetch, int downloads, long knownBytes) {}

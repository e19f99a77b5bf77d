package org.distvault.storage.record;

/**
 * What a batch upsert did.
 *
 * @param entries expectations applied
 * @param created new variants (a new name, or new content under a known name)
 * @param merged expectations merged into an existing variant of the same content
 */
public record UpsertSummary(long entries, long created, long merged) {
  public static final UpsertSummary NONE = new UpsertSummary(0, 0, 0);

  public UpsertSummary plus(UpsertSummary o) {
    return new UpsertSummary(entries + o.entries, created + o.created, merged + o.merged);
  }
}

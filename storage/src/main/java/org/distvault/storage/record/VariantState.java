package org.distvault.storage.record;

/** Whether the cache can serve a distfile variant, and if not, whether fetching it failed. */
public enum VariantState {
  /** Bound to a verified blob. */
  PRESENT,
  /** Not bound, and the last prefetch attempt failed (its reason is in the outcome). */
  FAILED,
  /** Not bound, and not (or not yet) attempted, or the last attempt succeeded elsewhere. */
  MISSING
}

package org.distvault.storage.record;

/**
 * Counts for stats and metrics gauges. Distfile states are counted per variant (each variant is
 * one expected file).
 *
 * @param names distinct distfile names
 * @param variants expected variants; always {@code present + missing + failed}
 * @param blobBytes total size of all blobs
 */
public record StoreStats(
    long names, long variants, long present, long missing, long failed, long blobs,
    long blobBytes) {

  public static final StoreStats ZERO = new StoreStats(0, 0, 0, 0, 0, 0, 0);

  /** The contribution of one distfile record. */
  public static StoreStats of(DistfileRecord r) {
    long present = 0;
    long missing = 0;
    long failed = 0;
    for (Variant v : r.variants()) {
      switch (v.state()) {
        case PRESENT -> present++;
        case MISSING -> missing++;
        case FAILED -> failed++;
      }
    }
    return new StoreStats(1, r.variants().size(), present, missing, failed, 0, 0);
  }

  /** The contribution of one blob record. */
  public static StoreStats of(BlobRecord b) {
    return new StoreStats(0, 0, 0, 0, 0, 1, b.size());
  }

  public StoreStats plus(StoreStats o) {
    return new StoreStats(
        names + o.names,
        variants + o.variants,
        present + o.present,
        missing + o.missing,
        failed + o.failed,
        blobs + o.blobs,
        blobBytes + o.blobBytes);
  }

  public StoreStats minus(StoreStats o) {
    return new StoreStats(
        names - o.names,
        variants - o.variants,
        present - o.present,
        missing - o.missing,
        failed - o.failed,
        blobs - o.blobs,
        blobBytes - o.blobBytes);
  }
}

package org.distvault.storage.catalog;

/**
 * Counts for stats and metrics gauges. Distfile states are counted per variant (each variant is
 * one expected file).
 *
 * @param names distinct distfile names
 * @param variants expected variants; always {@code present + missing + failed}
 * @param blobBytes total size of all blobs
 */
public record CatalogStats(
    long names, long variants, long present, long missing, long failed, long blobs,
    long blobBytes) {

  static final CatalogStats ZERO = new CatalogStats(0, 0, 0, 0, 0, 0, 0);

  /** The contribution of one distfile record. */
  static CatalogStats of(DistfileRecord r) {
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
    return new CatalogStats(1, r.variants().size(), present, missing, failed, 0, 0);
  }

  /** The contribution of one blob record. */
  static CatalogStats of(BlobRecord b) {
    return new CatalogStats(0, 0, 0, 0, 0, 1, b.size());
  }

  CatalogStats plus(CatalogStats o) {
    return new CatalogStats(
        names + o.names,
        variants + o.variants,
        present + o.present,
        missing + o.missing,
        failed + o.failed,
        blobs + o.blobs,
        blobBytes + o.blobBytes);
  }

  CatalogStats minus(CatalogStats o) {
    return new CatalogStats(
        names - o.names,
        variants - o.variants,
        present - o.present,
        missing - o.missing,
        failed - o.failed,
        blobs - o.blobs,
        blobBytes - o.blobBytes);
  }
}

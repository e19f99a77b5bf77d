package org.distvault.server.mode;

import java.io.IOException;
import java.util.Optional;
import org.distvault.server.http.ServableBlob;
import org.distvault.server.violation.MissDiagnosis;
import org.distvault.storage.name.SetName;

/**
 * Online read-through: fetches a catalogued but absent distfile from its upstream URLs, verifies
 * it against the catalogued digests and stores it, so the miss can be served after all.
 *
 * <p>Only {@link OnlineMissPolicy} calls it; the offline policy has no reference to one, so an
 * offline miss can open no outbound connection. Not implemented yet: {@link #DISABLED} is the
 * only implementation (it will come from the prefetch tool's downloader).
 */
@FunctionalInterface
public interface ReadThrough {
  /** Never fetches. */
  ReadThrough DISABLED = (set, miss) -> Optional.empty();

  /**
   * Tries to obtain the content a {@code not-prefetched} miss asked for, and binds it in the set
   * the request looked in (only there: another set that expects the name binds it on its own).
   *
   * @param set the request's source set, which is filling
   * @param miss the diagnosis; its {@code variant()} carries the URLs and expected digests
   * @return the stored, verified blob, or empty when it could not be fetched
   */
  Optional<ServableBlob> fetch(SetName set, MissDiagnosis miss) throws IOException;
}

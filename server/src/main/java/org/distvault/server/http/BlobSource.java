package org.distvault.server.http;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Resolution;

/**
 * What the serving layer needs from the store: the blob a distfile name maps to, and the blob a
 * digest addresses.
 *
 * <p>Implementations return only blobs that are stored and verified; an empty result is a miss.
 * Names arrive validated ({@link DistfileName}) and are lookup keys only: an implementation must
 * never build a filesystem path from them. Implementations are expected to be safe for concurrent
 * use; calls come from Undertow worker threads and may block.
 */
public interface BlobSource {
  /**
   * Looks up the blob stored under a DISTDIR-relative name: for the {@code /distfiles/} route
   * without a package, for the {@code /pkg/<cat>/<pkg>/} route with one. When two packages expect
   * different content under one bare name, the package chooses.
   */
  Lookup find(Optional<PkgPath> pkgPath, DistfileName name) throws IOException;

  /**
   * Looks up {@code name} in the source set {@code set} (the {@code /set/<set>/} routes). A blob
   * bound only in another set is not found. The default is for a source without sets: it knows
   * the default set only, and nothing in any other.
   */
  default Lookup find(SetName set, Optional<PkgPath> pkgPath, DistfileName name) throws IOException {
    return set.isDefault() ? find(pkgPath, name) : Lookup.of(Optional.empty());
  }

  /**
   * {@link #findInMemory(Optional, DistfileName)} in the source set {@code set}; the default is
   * for a source without sets, as for {@link #find(SetName, Optional, DistfileName)}.
   */
  default Optional<ServableBlob> findInMemory(SetName set, Optional<PkgPath> pkgPath, DistfileName name) {
    return set.isDefault() ? findInMemory(pkgPath, name) : Optional.empty();
  }

  /**
   * The blob {@link #find} would return, if the source can tell from memory without blocking;
   * empty when it cannot (then the routes ask {@code find} on a worker thread). Called on an HTTP
   * I/O thread: it must not block. The default knows nothing from memory.
   */
  default Optional<ServableBlob> findInMemory(Optional<PkgPath> pkgPath, DistfileName name) {
    return Optional.empty();
  }

  /**
   * The lookups {@link #find} would answer for each of {@code names} in {@code set}, when the
   * source can tell from memory without blocking that it has none of them (each one's {@link
   * Lookup#resolution} in order); empty when it cannot tell, or may have one (then the routes ask
   * {@code find} on a worker thread). Called on an HTTP I/O thread: it must not block. The default
   * knows nothing from memory.
   */
  default Optional<List<Resolution>> unknownInMemory(SetName set, Optional<PkgPath> pkgPath, List<DistfileName> names) {
    return Optional.empty();
  }

  /**
   * Told that the file of {@code blob} is gone: the source stops answering with it, unless the
   * blob is still whole where the file came from (a remote store whose cache tier lost its copy).
   *
   * @return whether the blob was taken out of service
   */
  default boolean missing(ServableBlob blob) {
    return false;
  }

  /**
   * Told that the file of {@code blob} does not hold its bytes ({@code reason}): the source puts it
   * aside and stops answering with it.
   */
  default void corrupt(ServableBlob blob, String reason) {}

  /** Finds the blob with this digest, of any supported algorithm (the {@code /by-hash/} route). */
  Optional<ServableBlob> findByHash(Digest digest) throws IOException;
}

package org.distvault.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * The {@link BlobSource} of the real server: names are resolved by the catalog in the request's
 * source set (the PKGPATH of a {@code /pkg/} request chooses among variants), digests through its
 * digest index, and the file is the blob store's. Answers the vault holds in its locate cache are also given from memory
 * ({@link #findInMemory}).
 *
 * <p>With a remote blob backend a lookup may fill the blob's file from the backend, and throws
 * {@link BackendUnavailableException} when that cannot be done now; each one is told to the
 * listener (the {@code distvault_backend_errors_total} counter) before it goes on to the routes,
 * which answer 503.
 *
 * <p>Thread-safe (the {@link Vault} is). After the vault is closed every lookup throws
 * {@link IllegalStateException}, which the routes answer with 500.
 */
public final class VaultBlobSource implements BlobSource {
  private final Vault vault;
  private final Consumer<String> backendErrors;

  public VaultBlobSource(Vault vault) {
    this(vault, op -> { });
  }

  /** A source that tells {@code backendErrors} the operation of each backend failure it meets. */
  public VaultBlobSource(Vault vault, Consumer<String> backendErrors) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.backendErrors = Objects.requireNonNull(backendErrors, "backendErrors");
  }

  @Override
  public Lookup find(Optional<PkgPath> pkgPath, DistfileName name) {
    return find(SetName.DEFAULT, pkgPath, name);
  }

  /**
   * Looks {@code name} up in {@code set}. For a set the store does not have, a lookup without a
   * resolution: the miss is explained later, as an unknown set.
   */
  @Override
  public Lookup find(SetName set, Optional<PkgPath> pkgPath, DistfileName name) {
    Optional<SourceSet> in = sourceSet(set);
    if (in.isEmpty()) {
      return Lookup.of(Optional.empty());
    }
    Vault.Located located = counted(() -> in.get().locate(name, pkgPath.map(PkgPath::toString)));
    return new Lookup(servable(located), Optional.of(located.resolution()));
  }

  @Override
  public Optional<ServableBlob> findInMemory(Optional<PkgPath> pkgPath, DistfileName name) {
    return findInMemory(SetName.DEFAULT, pkgPath, name);
  }

  @Override
  public Optional<ServableBlob> findInMemory(SetName set, Optional<PkgPath> pkgPath, DistfileName name) {
    return sourceSet(set)
        .flatMap(s -> s.locateCached(name, pkgPath.map(PkgPath::toString), DistfileRoutes.IO_THREAD_MAX_BYTES))
        .flatMap(VaultBlobSource::servable);
  }

  /**
   * The unknown resolutions of {@code names} when the catalog surely has none of them in {@code
   * set}, known from memory ({@link SourceSet#surelyUnknown}); empty for a set the store does not
   * have (its misses are explained on a worker) or when a name may be there.
   */
  @Override
  public Optional<List<Resolution>> unknownInMemory(SetName set, Optional<PkgPath> pkgPath, List<DistfileName> names) {
    Optional<SourceSet> in = sourceSet(set);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> pkgpath = pkgPath.map(PkgPath::toString);
    List<Resolution> unknown = new ArrayList<>(names.size());
    for (DistfileName name : names) {
      if (!in.get().surelyUnknown(name)) {
        return Optional.empty();
      }
      unknown.add(Resolution.of(name, null, pkgpath));
    }
    return Optional.of(unknown);
  }

  /** The set, if the store has it; the default set without asking (it always exists). */
  private Optional<SourceSet> sourceSet(SetName set) {
    return set.isDefault() ? Optional.of(vault.defaultSet()) : vault.set(set);
  }

  @Override
  public boolean missing(ServableBlob blob) {
    return vault.forgetMissing(blob.sha512());
  }

  @Override
  public void corrupt(ServableBlob blob, String reason) {
    try {
      vault.quarantine(blob.sha512(), "found while serving: " + reason);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot put blob " + blob.sha512().hex() + " aside: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<ServableBlob> findByHash(Digest digest) {
    return counted(() -> vault.findServableByDigest(digest).flatMap(this::servable));
  }

  private <T> T counted(Supplier<T> lookup) {
    try {
      return lookup.get();
    } catch (BackendUnavailableException e) {
      backendErrors.accept(e.operation());
      throw e;
    }
  }

  /** The located blob with the file the vault resolved for it (no second path computation). */
  private static Optional<ServableBlob> servable(Vault.Located located) {
    if (located.blob().isEmpty() || located.file().isEmpty()) {
      return Optional.empty();
    }
    BlobRecord blob = located.blob().get();
    return Optional.of(new ServableBlob(blob.sha512(), blob.size(), located.file().get(), blob.storedAt()));
  }

  private Optional<ServableBlob> servable(BlobRecord blob) {
    return vault.file(blob.sha512())
        .map(file -> new ServableBlob(blob.sha512(), blob.size(), file, blob.storedAt()));
  }
}

package org.distvault.server.readthrough;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.http.ServableBlob;
import org.distvault.server.mode.ReadThrough;
import org.distvault.server.violation.MissDiagnosis;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * The online miss policy's {@link ReadThrough}, backed by an {@link UpstreamReadThrough}: a miss
 * whose diagnosis chose a catalogued variant is fetched, verified, stored, bound in the request's
 * set and served.
 *
 * <p>Built only when {@code serve --upstream} is given. The offline miss policy never holds one,
 * so a sealed server opens no outbound connection.
 */
public final class ServingReadThrough implements ReadThrough {
  private final Vault vault;
  private final UpstreamReadThrough upstream;

  public ServingReadThrough(Vault vault, UpstreamReadThrough upstream) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
  }

  @Override
  public Optional<ServableBlob> fetch(SetName set, MissDiagnosis miss) {
    Optional<SourceSet> into = vault.set(set); // gone since the lookup (deleted): nothing to bind into
    if (into.isEmpty() || miss.variant().isEmpty() || !DistfileName.isValid(miss.name())) {
      return Optional.empty();
    }
    Optional<StoredBlob> blob =
        upstream.fetch(into.get(), DistfileName.of(miss.name()), miss.variant().get()).blob();
    return blob.map(
        b -> {
          Instant storedAt =
              vault.blob(b.sha512()).map(BlobRecord::storedAt).orElse(Instant.now());
          return new ServableBlob(b.sha512(), b.size(), b.path(), storedAt);
        });
  }
}

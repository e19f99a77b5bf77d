package org.distvault.server.admin.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence check of {@code POST /api/v1/have}, also answered by {@code POST
 * /api/v1/manifest?have=1} for the manifest's own entries: which expectations the cache already
 * holds.
 *
 * <p>An entry is present when the catalog variant with its content (see {@link ContentMatch}) is
 * bound to a blob, or when a held blob matches its strongest listed digest, every other listed
 * digest and its size: then the variant is bound now (after recording the expectation when the
 * name, or this content under it, is not catalogued yet), so the next {@code GET} finds it. An
 * entry that lists no digest is never present. While the {@link UploadGate} refuses, nothing is
 * bound and only already-bound variants count as present. Thread-safe.
 */
final class Presence {
  private static final Logger log = LoggerFactory.getLogger(Presence.class);

  private final Vault vault;
  private final SourceSet set;
  private final UploadGate gate;

  Presence(Vault vault, SourceSet set, UploadGate gate) {
    this.vault = vault;
    this.set = set;
    this.gate = gate;
  }

  /** One expectation asked about; {@code pkgpath} is recorded only if it has to be catalogued. */
  record Query(DistfileName name, Optional<String> pkgpath, Digests digests, OptionalLong size) {
    /** The query of a manifest entry: its first PKGPATH, as the prefetch tool's {@code have} sends. */
    static Query of(ExpectedDistfile e) {
      Optional<String> pkgpath = e.pkgpaths().isEmpty() ? Optional.empty()
          : Optional.of(e.pkgpaths().iterator().next());
      return new Query(e.name(), pkgpath, e.digests(), e.size());
    }
  }

  /** An entry whose content is held but whose variant is not bound to it yet. */
  private record ToBind(int index, Query wanted, BlobRecord blob, boolean catalogued) {}

  /** Whether each of {@code wanted} is held, in their order (binding what can be bound). */
  boolean[] check(List<Query> wanted) {
    return check(wanted, false);
  }

  /**
   * As {@link #check(List)}; {@code justCreated} says that the set's variant of every entry was
   * created by the caller's upsert just now (its summary counted each entry {@code created}), so
   * that none is bound yet and each is catalogued: the catalog is not read for them then, only
   * the held blobs are looked up. (A binding made meanwhile by another request is missed, as it
   * would be a moment later by an answer already sent.)
   */
  boolean[] check(List<Query> wanted, boolean justCreated) {
    boolean mayBind = gate.refusal().isEmpty();
    boolean[] present = new boolean[wanted.size()];
    List<List<VariantContent>> records = justCreated ? null : contents(wanted);
    boolean[] catalogued = new boolean[wanted.size()];
    int[] bySha512 = new int[wanted.size()];
    List<Digest> sha512s = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      Query w = wanted.get(i);
      VariantContent v = justCreated ? null : ContentMatch.content(records.get(i), w.size(), w.digests());
      if (v != null && v.blob().isPresent()) {
        present[i] = true;
        continue;
      }
      catalogued[i] = justCreated || v != null;
      bySha512[i] = -1;
      if (mayBind) {
        Optional<Digest> key = ContentMatch.strongest(w.digests());
        if (key.isPresent() && key.get().algorithm() == DigestAlgorithm.SHA512) {
          bySha512[i] = sha512s.size();
          sha512s.add(key.get());
        }
      }
    }
    List<BlobRecord> blobs = sha512s.isEmpty() ? List.of() : vault.blobs(sha512s);
    List<ToBind> toBind = new ArrayList<>();
    for (int i = 0; i < wanted.size() && mayBind; i++) {
      if (present[i]) {
        continue;
      }
      Query w = wanted.get(i);
      Optional<BlobRecord> blob = bySha512[i] < 0 ? ContentMatch.heldBlob(vault, w.size(), w.digests())
          : Optional.ofNullable(blobs.get(bySha512[i]))
              .filter(b -> ContentMatch.mismatch(b, w.size(), w.digests()).isEmpty());
      if (blob.isPresent()) {
        present[i] = true; // provisionally: cleared below if the vault refuses the binding
        toBind.add(new ToBind(i, w, blob.get(), catalogued[i]));
      }
    }
    if (!toBind.isEmpty()) {
      try {
        // The request's expectations and binds as one against the seal's freeze: all or none.
        set.unlessFrozen("bind", () -> bind(toBind, present));
      } catch (FrozenException e) {
        // Sealed since the gate was asked: nothing was bound, as if the gate had refused.
        toBind.forEach(t -> present[t.index()] = false);
      }
    }
    return present;
  }

  /** The set's variants under each wanted name: one multi-get for all, not a read per entry. */
  private List<List<VariantContent>> contents(List<Query> wanted) {
    List<DistfileName> names = new ArrayList<>(wanted.size());
    for (Query w : wanted) {
      names.add(w.name());
    }
    return set.contents(names);
  }

  /** Records the missing expectations in one upsert, then binds each variant to its blob. */
  private void bind(List<ToBind> toBind, boolean[] present) {
    List<ExpectedDistfile> fresh = new ArrayList<>();
    for (ToBind t : toBind) {
      if (!t.catalogued()) {
        Query w = t.wanted();
        fresh.add(new ExpectedDistfile(w.name(), w.size(), w.digests(),
            w.pkgpath().map(Set::of).orElse(Set.of()), List.of()));
      }
    }
    if (!fresh.isEmpty()) {
      set.expect(fresh);
    }
    for (ToBind t : toBind) {
      Query w = t.wanted();
      try {
        DistfileRecord record = set.distfile(w.name()).orElseThrow();
        Variant v = ContentMatch.variant(record, w.size(), w.digests()).orElseThrow();
        set.bind(record.ref(v), t.blob().sha512());
      } catch (IllegalArgumentException | NoSuchElementException e) {
        // E.g. the catalogued variant expects a digest the blob was never hashed with: the
        // prefetch tool then downloads and uploads it, which computes that digest.
        log.info("have: {} not bound to {}: {}", w.name(), t.blob().sha512().hex(), e.getMessage());
        present[t.index()] = false;
      }
    }
  }
}

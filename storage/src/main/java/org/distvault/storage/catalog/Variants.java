package org.distvault.storage.catalog;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.Variant;

import org.distvault.storage.record.DistfileRecord;

import org.distvault.storage.distfile.ContentIdentity;

import org.distvault.storage.distfile.ExpectedDistfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.Digests;

/**
 * The rules that decide how an upsert changes a distfile record and when a blob satisfies a
 * variant. Pure functions, no storage.
 *
 * <p>An expectation is merged into the variant that is the same content under {@link
 * ContentIdentity}. When it matches several variants (it bridges them), it is merged into the
 * one with the lowest id.
 */
final class Variants {
  private Variants() {}

  /** The outcome of applying one expectation to a record. */
  record Upsert(DistfileRecord record, Variant variant, boolean created, boolean expectationChanged) {}

  /** Whether {@code v} and {@code e} describe the same content ({@link ContentIdentity}). */
  static boolean sameContent(Variant v, ExpectedDistfile e) {
    return ContentIdentity.same(v.size(), v.digests(), e.size(), e.digests());
  }

  /**
   * Applies an expectation to a record (null when the name is new). The matching variant gains
   * the expectation's digests, size, PKGPATHs and new URLs (appended after the known ones); with
   * no match a new variant is created. Either way the expectation's PKGPATHs are removed from
   * every other variant of the name: the latest upsert for a (name, PKGPATH) wins, so a
   * PKGPATH always resolves to one variant.
   */
  static Upsert upsert(DistfileRecord existing, ExpectedDistfile e) {
    if (existing == null) {
      // A new name: its one variant, id 1, as below without the searches over no variants.
      // Records.upsert writes this record without building it (Codec.NewRecords): keep them alike.
      Variant first = new Variant(1, e.size(), e.digests(), e.pkgpaths(), e.urls(), Optional.empty(),
          Optional.empty());
      return new Upsert(new DistfileRecord(e.name(), List.of(first)), first, true, false);
    }
    List<Variant> variants = existing.variants();
    Variant match = variants.stream().filter(v -> sameContent(v, e)).findFirst().orElse(null);
    Variant target;
    boolean changed = false;
    if (match == null) {
      int id = variants.stream().mapToInt(Variant::id).max().orElse(0) + 1;
      target = new Variant(id, e.size(), e.digests(), e.pkgpaths(), e.urls(), Optional.empty(),
          Optional.empty());
    } else {
      Digests digests = match.digests().merge(e.digests());
      OptionalLong size = match.size().isPresent() ? match.size() : e.size();
      changed = !digests.equals(match.digests()) || !size.equals(match.size());
      Set<String> pkgpaths = new TreeSet<>(match.pkgpaths());
      pkgpaths.addAll(e.pkgpaths());
      List<String> urls = new ArrayList<>(match.urls());
      urls.addAll(e.urls());
      target = new Variant(match.id(), size, digests, pkgpaths, urls, match.lastOutcome(),
          match.blob());
    }
    List<Variant> result = new ArrayList<>();
    for (Variant v : variants) {
      if (v.id() == target.id()) {
        result.add(target);
      } else if (e.pkgpaths().stream().anyMatch(v.pkgpaths()::contains)) {
        Set<String> rest = new TreeSet<>(v.pkgpaths());
        rest.removeAll(e.pkgpaths());
        result.add(v.withPkgpaths(rest));
      } else {
        result.add(v);
      }
    }
    if (match == null) {
      result.add(target);
    }
    return new Upsert(new DistfileRecord(e.name(), result), target, match == null, changed);
  }

  /**
   * Why {@code blob} cannot be bound to {@code v}, or empty when it can: the variant must list at
   * least one digest, and the blob must have been hashed with every algorithm the variant lists,
   * with equal results, and have the expected size when one is known.
   */
  static Optional<String> bindingProblem(Variant v, BlobRecord blob) {
    if (v.digests().isEmpty()) {
      return Optional.of("the variant lists no digest, so no content can be verified against it");
    }
    if (v.size().isPresent() && v.size().getAsLong() != blob.size()) {
      return Optional.of(
          "size " + blob.size() + " differs from the expected " + v.size().getAsLong());
    }
    for (Digest want : v.digests().asMap().values()) {
      Optional<Digest> got = blob.digests().get(want.algorithm());
      if (got.isEmpty()) {
        return Optional.of(
            "the blob has no " + want.algorithm().distinfoName() + " digest to compare");
      }
      if (!got.get().equals(want)) {
        return Optional.of(
            "computed digest " + got.get() + " does not match expected " + want);
      }
    }
    return Optional.empty();
  }
}

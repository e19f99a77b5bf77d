package org.distvault.storage.record;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.DistfileName;

/** Everything the catalog expects under one distfile name: its variants, ordered by id. */
public record DistfileRecord(DistfileName name, List<Variant> variants) {
  public DistfileRecord {
    Objects.requireNonNull(name, "name");
    variants = List.copyOf(variants);
    if (variants.isEmpty()) {
      throw new IllegalArgumentException(name + ": a distfile record needs a variant");
    }
  }

  /** The variant with this id, if there is one. */
  public Optional<Variant> variant(int id) {
    return variants.stream().filter(v -> v.id() == id).findFirst();
  }

  /** The variant that lists this PKGPATH, if one does (at most one can). */
  public Optional<Variant> variantFor(String pkgpath) {
    return variants.stream().filter(v -> v.pkgpaths().contains(pkgpath)).findFirst();
  }

  /** This record with the variant of the same id replaced by {@code v}. */
  public DistfileRecord with(Variant v) {
    return new DistfileRecord(
        name, variants.stream().map(old -> old.id() == v.id() ? v : old).toList());
  }

  /** A reference to one of this record's variants. */
  public VariantRef ref(Variant v) {
    return new VariantRef(name, v.id());
  }
}

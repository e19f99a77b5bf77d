package org.distvault.storage.record;

import java.util.Objects;
import org.distvault.storage.name.DistfileName;

/** Names one variant of one distfile: the distfile name and the variant's id. */
public record VariantRef(DistfileName name, int variantId) {
  public VariantRef {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return name + "#" + variantId;
  }
}

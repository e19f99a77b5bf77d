package org.distvault.server.mode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Variant;
import org.distvault.storage.vault.Vault;

/** Computes a {@link Seal} from the catalog by paging through every distfile record. */
final class SealCalculator {
  /** Upper bound on pages read (10,000 records each): far above any pkgsrc tree. */
  static final int MAX_PAGES = 100_000;

  private SealCalculator() {}

  static Seal compute(Vault vault, Instant at) {
    TreeSet<byte[]> lines = new TreeSet<>(Arrays::compareUnsigned);
    Optional<DistfileName> after = Optional.empty();
    for (int page = 0; page < MAX_PAGES; page++) {
      List<DistfileRecord> records = vault.listDistfiles(after, Vault.MAX_PAGE);
      for (DistfileRecord r : records) {
        for (Variant v : r.variants()) {
          v.blob().ifPresent(sha512 ->
              lines.add((r.name().value() + "\t" + sha512.hex() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
      }
      if (records.size() < Vault.MAX_PAGE) {
        return seal(lines, at);
      }
      after = Optional.of(records.get(records.size() - 1).name());
    }
    throw new IllegalStateException("vault has more than " + MAX_PAGES + " pages of distfiles");
  }

  private static Seal seal(TreeSet<byte[]> lines, Instant at) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    lines.forEach(sha256::update);
    return new Seal("sha256:" + HexFormat.of().formatHex(sha256.digest()), lines.size(), at);
  }
}

package org.distvault.server.mode;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Seal;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At the start of a primary with an S3 blob store: publishes every seal in force that the bucket's
 * pointer does not name, so that replicas can follow it. Such a seal was made by a version that
 * did not publish it (e.g. {@code mode offline} before it published), or a crash came between
 * recording it and publishing it. A bucket that cannot be asked does not stop the start: the
 * failure is logged and counted, and the seal is published by the next start or the next seal.
 */
public final class UnpublishedSeals {
  private static final Logger log = LoggerFactory.getLogger(UnpublishedSeals.class);

  private UnpublishedSeals() {}

  /**
   * Publishes through {@code publisher} each seal of {@code vault} whose digest {@code published}
   * (the digest the bucket's pointer names, if any) does not give.
   *
   * @param onFailure told of each set that could not be asked or published (for a metric)
   * @return the sets published now
   */
  public static int publish(Vault vault, Function<SetName, Optional<String>> published, SealPublisher publisher,
      Consumer<SetName> onFailure) {
    int done = 0;
    for (Map.Entry<SetName, Seal> e : vault.seals().entrySet()) {
      SetName name = e.getKey();
      Seal seal = e.getValue();
      try {
        Optional<String> current = published.apply(name);
        if (current.equals(Optional.of(seal.digest()))) {
          continue;
        }
        Optional<SourceSet> set = name.isDefault() ? Optional.of(vault.defaultSet()) : vault.set(name);
        if (set.isEmpty()) {
          continue;
        }
        publisher.publish(set.get(), seal);
        done++;
        log.warn("set {}: published its seal {} over {} entries, which the bucket lacked (it named {})", name,
            seal.digest(), seal.entries(), current.orElse("no seal"));
      } catch (RuntimeException ex) {
        onFailure.accept(name);
        log.error("set {}: cannot publish its seal {} now, replicas keep the seal published before: {}", name,
            seal.digest(), ex.toString());
      }
    }
    return done;
  }
}

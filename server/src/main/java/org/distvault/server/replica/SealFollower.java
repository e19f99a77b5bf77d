package org.distvault.server.replica;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Seal;
import org.distvault.storage.s3.SealObjects;
import org.distvault.storage.vault.SealListing;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replica's set on the seal its primary published: each seal is loaded whole into a set
 * of its own ({@code replica-<16 hex of the digest>}), sealed, its digest checked against the
 * published one, and only then served under the followed name ({@link Vault#serve}), so that a
 * lookup sees the old seal or the new one, never a mix. The generation served before stays until
 * the next switch, for requests that looked it up just before; older ones are deleted.
 *
 * <p>Polls the pointer on one thread of its own; a poll that fails (the bucket unreachable, a
 * listing whose digest does not match) is logged and told to the {@link Listener}, and the seal in
 * force stays. Thread-safe; closing it stops the polling.
 */
public final class SealFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SealFollower.class);
  private static final String GENERATION = "replica-";

  private final Vault vault;
  private final SealObjects seals;
  private final SetName set;
  private final Listener listener;
  private final ScheduledExecutorService poller;

  /** Told of each poll's result, for metrics; called on the polling thread, must not block. */
  public interface Listener {
    /** The pointer was read and the seal served is the one it names (at start, and after a switch). */
    void inStep();

    /** A poll failed; the seal in force stays. */
    void failed();
  }

  private SealFollower(Vault vault, SealObjects seals, SetName set, Listener listener) {
    this.vault = vault;
    this.seals = seals;
    this.set = set;
    this.listener = listener;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "seal-follower-" + set);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads the seal of {@code set} published now and serves it, then polls every {@code poll}.
   *
   * @param listener told of each poll's result (for metrics)
   * @throws IllegalStateException when no seal is published, or the published listing does not
   *     give the published digest: a replica does not serve what it cannot vouch for
   * @throws BackendUnavailableException when the bucket cannot be read
   */
  public static SealFollower start(Vault vault, SealObjects seals, SetName set, Duration poll, Listener listener)
      throws IOException {
    Objects.requireNonNull(poll, "poll");
    SealFollower f = new SealFollower(Objects.requireNonNull(vault, "vault"), Objects.requireNonNull(seals, "seals"),
        Objects.requireNonNull(set, "set"), Objects.requireNonNull(listener, "listener"));
    SealObjects.Pointer current = seals.current(set).orElseThrow(() -> new IllegalStateException(
        "no seal of set " + set + " is published in " + vault.blobLocation() + ": seal it on the primary first"));
    f.follow(current);
    listener.inStep();
    f.poller.scheduleWithFixedDelay(f::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    return f;
  }

  /** The seal served now. */
  public Optional<Seal> served() {
    return vault.set(set).flatMap(SourceSet::sealed);
  }

  /** Reads the pointer once and switches if it names another seal. */
  synchronized void poll() {
    try {
      Optional<SealObjects.Pointer> p = seals.current(set);
      if (p.isPresent()) {
        if (!served().map(Seal::digest).equals(Optional.of(p.get().digest()))) {
          follow(p.get());
        }
        listener.inStep(); // A pointer gone from the bucket is not a seal to be in step with.
      }
    } catch (IOException | RuntimeException e) {
      listener.failed();
      log.error("set {}: cannot follow the published seal, still serving {}: {}", set,
          served().map(Seal::digest).orElse("nothing"), e.toString());
    }
  }

  private synchronized void follow(SealObjects.Pointer p) throws IOException {
    SetName generation = SetName.of(GENERATION + p.digest().substring("sha256:".length(), "sha256:".length() + 16));
    Optional<Seal> loaded = vault.set(generation).flatMap(SourceSet::sealed);
    if (loaded.isEmpty() || !loaded.get().digest().equals(p.digest())) {
      drop(generation);
      Seal seal = SealListing.load(vault, generation, seals.listing(p), p.sealedAt());
      if (!seal.digest().equals(p.digest())) {
        drop(generation);
        throw new IllegalStateException("the listing " + p.key() + " gives seal " + seal.digest()
            + ", but its pointer says " + p.digest() + ": not served");
      }
    }
    Optional<SetName> before = vault.servedAs(set);
    vault.serve(set, generation);
    log.info("set {}: serving seal {} over {} entries (sealed {}){}", set, p.digest(), p.entries(), p.sealedAt(),
        before.map(b -> ", instead of " + b).orElse(""));
    dropAllBut(generation, before);
  }

  /** Deletes the generations no lookup can still be using. */
  private void dropAllBut(SetName current, Optional<SetName> justBefore) throws IOException {
    for (SetName name : vault.sets()) {
      if (name.value().startsWith(GENERATION) && !name.equals(current) && !justBefore.equals(Optional.of(name))) {
        drop(name);
      }
    }
  }

  /** Deletes a generation if the store has it, whatever state a crash left it in. */
  private void drop(SetName generation) throws IOException {
    Optional<SourceSet> g = vault.set(generation);
    if (g.isPresent()) {
      if (g.get().sealed().isPresent()) {
        g.get().unseal();
      }
      g.get().thaw();
      vault.deleteSet(generation);
      log.info("set {}: dropped {}", set, generation);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package org.distvault.storage.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Seal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link StoreState} (the file) and the catalog in agreement: checks them against each other
 * at start-up, and makes every change of the seal durable outside the catalog before the catalog
 * records it. The violation cursor is copied to the file every few seconds and at close, after the
 * catalog has it, so the catalog's cursor is never below the file's.
 *
 * <p>Thread-safe: changes are serialised.
 */
final class StateKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StateKeeper.class);

  /** Catalog state keys: the store's id, and its seal (mirroring the file). */
  static final String STORE_KEY = "store";
  static final String SEAL_KEY = "sealState";

  /** How often the violation cursor is copied to the file. */
  static final long CURSOR_SECONDS = 5;

  private final Path dataDir;
  private final Catalog catalog;
  private final Sealer sealer;
  private final ScheduledExecutorService flusher;
  private StoreState state;

  private StateKeeper(Path dataDir, Catalog catalog, Sealer sealer, StoreState state) {
    this.dataDir = dataDir;
    this.catalog = catalog;
    this.sealer = sealer;
    this.state = state;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "store-state " + dataDir);
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(this::flushCursorQuietly, CURSOR_SECONDS, CURSOR_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Compares the state file (if any) with the catalog just opened, before anything writes to the
   * catalog, and returns the keeper of the agreed state.
   *
   * @throws StoreDamagedException when the catalog is another store's, was rolled back, or does not
   *     hold the bindings the seal describes
   */
  static StateKeeper check(Path dataDir, Catalog catalog, Clock clock, Optional<StoreState> found)
      throws IOException {
    Sealer sealer = new Sealer(catalog, dataDir);
    Optional<String> catalogId = catalog.state(STORE_KEY).map(b -> new String(b, StandardCharsets.UTF_8));
    Optional<Seal> catalogSeal = catalog.state(SEAL_KEY).flatMap(StoreState::sealFromBytes);
    long cursor = catalog.lastCursor(LogKind.VIOLATIONS);
    if (found.isEmpty()) {
      // A new store, or one from before the state file: the catalog is all there is to go by.
      String id = catalogId.orElseGet(() -> UUID.randomUUID().toString());
      StoreState fresh = new StoreState(id, clock.instant(), catalogSeal, cursor);
      // The catalog first: a crash in between leaves a catalog with an id and no file, which the
      // next start writes again, never a file naming a store the catalog does not know.
      catalog.putState(STORE_KEY, id.getBytes(StandardCharsets.UTF_8));
      fresh.write(dataDir);
      if (catalogId.isPresent()) {
        log.warn("{} was missing: written from the catalog of store {}", StoreState.file(dataDir), id);
      }
      return new StateKeeper(dataDir, catalog, sealer, fresh);
    }
    StoreState s = found.get();
    String advice = ": restore DATA/index from a backup, or start with --recover to rebuild it from the blob"
        + " files and the violations log" + (s.seal().isPresent() ? " (it comes up sealed)" : "");
    if (catalogId.isEmpty() || !catalogId.get().equals(s.storeId())) {
      throw new StoreDamagedException("the catalog " + catalog.directory() + " is not the catalog of store "
          + s.storeId() + " (" + catalogId.map(i -> "it belongs to store " + i).orElse("it has no store id: a new,"
          + " empty catalog") + ", while " + StoreState.file(dataDir) + " records store " + s.storeId()
          + (s.seal().isPresent() ? ", sealed" : "") + ")" + advice);
    }
    if (cursor < s.violationCursor()) {
      throw new StoreDamagedException("the catalog " + catalog.directory() + " was rolled back: its violations end at "
          + cursor + ", but " + StoreState.file(dataDir) + " recorded violations up to " + s.violationCursor() + advice);
    }
    StateKeeper keeper = new StateKeeper(dataDir, catalog, sealer, s);
    try {
      keeper.agreeOnSeal(catalogSeal, clock.instant(), advice);
    } catch (IOException | RuntimeException e) {
      keeper.flusher.shutdownNow();
      throw e;
    }
    return keeper;
  }

  /**
   * The file and the catalog must agree on the seal, and the catalog's bindings must still give its
   * digest. A change interrupted between the file and the catalog is completed towards the stricter
   * state: a store that either side says is sealed comes up sealed.
   */
  private void agreeOnSeal(Optional<Seal> catalogSeal, Instant now, String advice) throws IOException {
    Optional<Seal> seal = state.seal().isPresent() ? state.seal() : catalogSeal;
    if (seal.isEmpty()) {
      return;
    }
    Seal recomputed = sealer.compute(now);
    if (!recomputed.digest().equals(seal.get().digest())) {
      throw new StoreDamagedException("the store is sealed with " + seal.get().digest() + " over "
          + seal.get().entries() + " entries, but the catalog " + catalog.directory() + " now binds "
          + recomputed.entries() + " entries with digest " + recomputed.digest() + advice);
    }
    if (!seal.equals(catalogSeal)) {
      log.warn("sealing was interrupted before the catalog recorded it: completed now ({})", seal.get().digest());
      catalog.putState(SEAL_KEY, StoreState.sealBytes(seal));
    }
    if (!seal.equals(state.seal())) {
      log.warn("unsealing was interrupted before the catalog recorded it: the store stays sealed ({})",
          seal.get().digest());
      write(state.withSeal(seal));
    }
  }

  /** The seal in force, if the store is sealed. */
  synchronized Optional<Seal> sealed() {
    return state.seal();
  }

  /** The store's id. */
  synchronized String storeId() {
    return state.storeId();
  }

  /** Computes the seal of what is bound, keeps its listing, and records it: the file first. */
  synchronized Seal seal(Instant at) throws IOException {
    Seal seal = sealer.sealAndKeep(at);
    write(state.withSeal(Optional.of(seal)));
    catalog.putState(SEAL_KEY, StoreState.sealBytes(Optional.of(seal)));
    return seal;
  }

  /** Records the store as no longer sealed: the file first. */
  synchronized void unseal() throws IOException {
    write(state.withSeal(Optional.empty()));
    catalog.putState(SEAL_KEY, StoreState.sealBytes(Optional.empty()));
  }

  /** Copies the catalog's violation cursor to the file if it moved. */
  synchronized void flushCursor() throws IOException {
    long c = catalog.lastCursor(LogKind.VIOLATIONS);
    if (c > state.violationCursor()) {
      write(state.withViolationCursor(c));
    }
  }

  private void flushCursorQuietly() {
    try {
      flushCursor();
    } catch (IOException | RuntimeException e) {
      log.warn("cannot record the violation cursor in {}: {}", StoreState.file(dataDir), e.toString());
    }
  }

  private void write(StoreState next) throws IOException {
    next.write(dataDir);
    state = next;
  }

  /** Stops the periodic copy and copies the cursor a last time; call before the catalog closes. */
  @Override
  public void close() {
    flusher.shutdownNow();
    try {
      flusher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushCursorQuietly();
  }
}

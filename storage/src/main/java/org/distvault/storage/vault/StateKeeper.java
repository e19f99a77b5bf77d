package org.distvault.storage.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.name.SetName;
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

  /** Catalog state keys: the store's id, and the default set's seal (mirroring the file). */
  static final String STORE_KEY = "store";
  static final String SEAL_KEY = "sealState";

  /** The catalog state key of a set's seal: {@link #SEAL_KEY}, then {@code /name} for other sets. */
  static String sealKey(SetName set) {
    return set.isDefault() ? SEAL_KEY : SEAL_KEY + "/" + set.value();
  }

  /** The seals the catalog records, of the sets it knows. */
  static Map<SetName, Seal> catalogSeals(Catalog catalog, Collection<SetName> sets) {
    Map<SetName, Seal> out = new TreeMap<>();
    for (SetName set : sets) {
      catalog.state(sealKey(set)).flatMap(StoreState::sealFromBytes).ifPresent(seal -> out.put(set, seal));
    }
    return out;
  }

  /** How often the violation cursor is copied to the file. */
  static final long CURSOR_SECONDS = 5;

  private final Path dataDir;
  private final Catalog catalog;
  private final Sealer sealer;
  private final SetRegistry registry;
  private final SealHistory history;
  private final ScheduledExecutorService flusher;
  // Immutable, replaced whole under the lock; read without it, so that a request's look at the
  // seals (an I/O thread's too) never waits for a seal being computed and written.
  private volatile StoreState state;

  private StateKeeper(Path dataDir, Catalog catalog, Sealer sealer, SetRegistry registry, StoreState state) {
    this.dataDir = dataDir;
    this.catalog = catalog;
    this.sealer = sealer;
    this.registry = registry;
    this.history = new SealHistory(catalog);
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
    SetRegistry registry = new SetRegistry(catalog, clock);
    Map<SetName, Seal> catalogSeals = catalogSeals(catalog, registry.names());
    long cursor = catalog.lastCursor(LogKind.VIOLATIONS);
    if (found.isEmpty()) {
      // A new store, or one from before the state file: the catalog is all there is to go by.
      String id = catalogId.orElseGet(() -> UUID.randomUUID().toString());
      StoreState fresh = new StoreState(id, clock.instant(), new TreeMap<>(catalogSeals), cursor);
      // The catalog first: a crash in between leaves a catalog with an id and no file, which the
      // next start writes again, never a file naming a store the catalog does not know.
      catalog.putState(STORE_KEY, id.getBytes(StandardCharsets.UTF_8));
      fresh.write(dataDir);
      if (catalogId.isPresent()) {
        log.warn("{} was missing: written from the catalog of store {}", StoreState.file(dataDir), id);
      }
      return new StateKeeper(dataDir, catalog, sealer, registry, fresh);
    }
    StoreState s = found.get();
    String advice = ": restore DATA/index from a backup, or start with --recover to rebuild it from the blob"
        + " files and the violations log" + (s.seals().isEmpty() ? "" : " (sealed sets come up sealed)");
    if (catalogId.isEmpty() || !catalogId.get().equals(s.storeId())) {
      throw new StoreDamagedException("the catalog " + catalog.directory() + " is not the catalog of store "
          + s.storeId() + " (" + catalogId.map(i -> "it belongs to store " + i).orElse("it has no store id: a new,"
          + " empty catalog") + ", while " + StoreState.file(dataDir) + " records store " + s.storeId()
          + (s.seals().isEmpty() ? "" : ", with sealed sets " + s.seals().keySet()) + ")" + advice);
    }
    if (cursor < s.violationCursor()) {
      throw new StoreDamagedException("the catalog " + catalog.directory() + " was rolled back: its violations end at "
          + cursor + ", but " + StoreState.file(dataDir) + " recorded violations up to " + s.violationCursor() + advice);
    }
    StateKeeper keeper = new StateKeeper(dataDir, catalog, sealer, registry, s);
    try {
      Set<SetName> sets = new TreeSet<>(s.seals().keySet());
      sets.addAll(catalogSeals.keySet());
      for (SetName set : sets) {
        registry.add(set); // a set sealed in the file is a set of the store, whatever the catalog says
        keeper.agreeOnSeal(set, Optional.ofNullable(catalogSeals.get(set)), clock.instant(), advice);
      }
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
  private void agreeOnSeal(SetName set, Optional<Seal> catalogSeal, Instant now, String advice)
      throws IOException {
    Optional<Seal> fileSeal = state.seal(set);
    Optional<Seal> seal = fileSeal.isPresent() ? fileSeal : catalogSeal;
    if (seal.isEmpty()) {
      return;
    }
    Seal recomputed = sealer.compute(set, now);
    if (!recomputed.digest().equals(seal.get().digest())) {
      throw new StoreDamagedException("the set " + set + " is sealed with " + seal.get().digest() + " over "
          + seal.get().entries() + " entries, but the catalog " + catalog.directory() + " now binds "
          + recomputed.entries() + " entries with digest " + recomputed.digest() + " in it" + advice);
    }
    if (!seal.equals(catalogSeal)) {
      log.warn("sealing set {} was interrupted before the catalog recorded it: completed now ({})", set,
          seal.get().digest());
      catalog.putState(sealKey(set), StoreState.sealBytes(seal));
    }
    if (!seal.equals(fileSeal)) {
      log.warn("unsealing set {} was interrupted before the catalog recorded it: it stays sealed ({})", set,
          seal.get().digest());
      write(state.withSeal(set, seal));
    }
    if (history.of(set).isEmpty()) {
      // A store sealed before seals were remembered, or a catalog rebuilt by --recover: the seal
      // in force is the one seal known.
      history.record(set, seal.get());
    }
  }

  /** The seal in force of {@code set}, if it is sealed. */
  Optional<Seal> sealed(SetName set) {
    return state.seal(set);
  }

  /** The store's sets. */
  SetRegistry sets() {
    return registry;
  }

  /** The seal in force of every sealed set. */
  Map<SetName, Seal> seals() {
    return state.seals();
  }

  /** The last seals of each set, newest first. */
  SealHistory history() {
    return history;
  }

  /** The sealer, which knows where each seal's listing is kept. */
  Sealer sealer() {
    return sealer;
  }

  /** The store's id. */
  String storeId() {
    return state.storeId();
  }

  /** Computes the seal of what {@code set} binds, keeps its listing, and records it: the file first. */
  synchronized Seal seal(SetName set, Instant at) throws IOException {
    Seal seal = sealer.sealAndKeep(set, at);
    history.record(set, seal); // before it takes effect: a crash leaves one seal too many remembered
    write(state.withSeal(set, Optional.of(seal)));
    catalog.putState(sealKey(set), StoreState.sealBytes(Optional.of(seal)));
    return seal;
  }

  /**
   * Counts the seal listings that no set's seal in force nor its last {@code keepSeals} seals refer
   * to and, with {@code apply}, deletes them. Under the lock of {@link #seal}, so that a seal whose
   * listing is already kept (the same content sealed again) cannot be recorded in between. The
   * seal history forgets the older seals first: a crash before the files go leaves unreferenced
   * listings, which the next collection deletes, never a remembered seal without its listing.
   *
   * @return the listings unreferenced (and, with {@code apply}, deleted)
   */
  synchronized int pruneListings(int keepSeals, boolean apply) throws IOException {
    Map<String, Set<String>> referenced = new HashMap<>();
    state.seals().forEach((set, s) -> referenced.computeIfAbsent(hex(s), x -> new HashSet<>()).add(set.value()));
    for (SetName set : registry.names()) {
      List<Seal> all = history.of(set);
      List<Seal> kept = apply ? history.keepNewest(set, keepSeals, state.seal(set))
          : all.subList(0, Math.min(keepSeals, all.size()));
      kept.forEach(s -> referenced.computeIfAbsent(hex(s), x -> new HashSet<>()).add(set.value()));
    }
    int unreferenced = 0;
    for (String hex : sealer.listings().keySet()) {
      Set<String> by = referenced.get(hex);
      if (by == null) {
        unreferenced++;
      }
      if (apply && by == null) {
        sealer.deleteListing(hex);
      } else if (apply) {
        sealer.keepSealedBy(hex, by);
      }
    }
    if (apply && unreferenced > 0) {
      sealer.syncDirectory();
      log.info("gc: {} seal listings no longer referenced: deleted", unreferenced);
    }
    return unreferenced;
  }

  private static String hex(Seal seal) {
    return seal.digest().substring("sha256:".length());
  }

  /** Records {@code set} as no longer sealed: the file first. */
  synchronized void unseal(SetName set) throws IOException {
    write(state.withSeal(set, Optional.empty()));
    catalog.putState(sealKey(set), StoreState.sealBytes(Optional.empty()));
  }

  /**
   * Runs {@code action} while no seal changes, and returns the state in force meanwhile: for a
   * backup's checkpoint, whose seals must be the ones this state records.
   */
  synchronized StoreState whileStill(Runnable action) {
    action.run();
    return state;
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

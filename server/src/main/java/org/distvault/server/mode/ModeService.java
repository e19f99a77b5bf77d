package org.distvault.server.mode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Seal;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's mode: kept in memory for every request, persisted in the catalog's state area
 * (key {@code mode}, and {@code seal} for the last seal) so a restart keeps it, and every change
 * audited in the catalog's audit log with who, from where, when and why.
 *
 * <p>Switching to offline first makes the new mode visible (uploads are refused from then on),
 * then freezes the catalog ({@link Catalog#freeze}: a write that passed the upload gate just
 * before, or a read-through download finishing, either is bound before the seal or is refused),
 * then computes the {@link Seal}, publishes it (to the bucket of an S3 blob store, for replicas),
 * writes the audit entry, then the state; if any of that fails
 * the old mode is restored, the catalog thawed, and the change fails. Offline, the catalog stays
 * frozen (also from start-up); going online thaws it. Thread-safe: changes are serialised, reads
 * are lock-free.
 *
 * <p>Offline seals the default set; the other source sets are {@link SetService}'s. A store whose
 * default set is sealed while the catalog says online comes up offline (an interrupted switch),
 * unless the seal is the one {@link SetService} recorded for sealing the default set online.
 */
public final class ModeService {
  private static final Logger log = LoggerFactory.getLogger(ModeService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String MODE_KEY = "mode";
  static final String SEAL_KEY = "seal";
  /** Why writes are refused offline: the 409 line of the admin routes, and the catalog's freeze. */
  static final String SEALED = "distvault is offline (sealed): uploads are refused";

  private final Vault vault;
  private final SealPublisher publisher;
  /** Why the server stays offline whatever is asked ({@link #pinOffline}), if it does. */
  private volatile Optional<String> pinned = Optional.empty();
  private final Clock clock;
  private volatile ModeState state;
  private volatile Optional<Seal> lastSeal;

  private ModeService(Vault vault, Clock clock, ModeState state, Optional<Seal> lastSeal, SealPublisher publisher) {
    this.vault = vault;
    this.publisher = publisher;
    this.clock = clock;
    this.state = state;
    this.lastSeal = lastSeal;
  }

  /**
   * Loads the persisted mode. A store that never had one starts in {@code requested}, else
   * online (recorded and audited as a change by {@code actor}); a persisted mode other than
   * {@code requested} is changed to it, audited likewise.
   */
  public static ModeService open(Vault vault, Clock clock, Optional<Mode> requested, Actor actor) {
    return open(vault, clock, requested, actor, SealPublisher.NONE);
  }

  /**
   * Loads the persisted mode as {@link #open(Vault, Clock, Optional, Actor)} does; every seal of
   * the default set made here (going offline) is published through {@code publisher} before it is
   * recorded, as {@link SetService} publishes the seals it makes.
   */
  public static ModeService open(Vault vault, Clock clock, Optional<Mode> requested, Actor actor,
      SealPublisher publisher) {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(publisher, "publisher");
    Optional<Seal> seal = vault.state(SEAL_KEY).map(ModeService::readSeal);
    Optional<ModeState> stored = vault.state(MODE_KEY).map(b -> readMode(b, seal));
    Optional<Seal> sealed = vault.sealed();
    if (sealed.isPresent() && stored.map(m -> m.mode() != Mode.OFFLINE).orElse(true)
        && !SetService.sealedThroughSets(vault, sealed.get())) {
      // Sealed by the store's own record (DATA/store.state), whatever the catalog says: a lost,
      // rebuilt or interrupted catalog never un-seals the store.
      ModeService service = new ModeService(vault, clock, stored.orElse(
          new ModeState(Mode.ONLINE, clock.instant(), actor.id(), Optional.empty(), Optional.empty())), sealed,
          publisher);
      service.restoreSeal(sealed.get(), actor, stored.map(ModeState::mode));
      service.startWith(requested, actor);
      return service;
    }
    if (sealed.isEmpty() && stored.map(m -> m.mode() == Mode.OFFLINE).orElse(false)) {
      // Sealed before the store kept its seal outside the catalog: record it there now.
      Seal now;
      try {
        now = vault.seal(clock.instant());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!now.digest().equals(stored.get().seal().map(Seal::digest).orElse(now.digest()))) {
        throw new IllegalStateException("the catalog says the store is sealed with "
            + stored.get().seal().get().digest() + ", but its bindings give " + now.digest());
      }
    }
    if (stored.isEmpty()) {
      ModeService fresh = new ModeService(vault, clock,
          new ModeState(Mode.ONLINE, clock.instant(), actor.id(), Optional.empty(), Optional.empty()), seal,
          publisher);
      fresh.apply(requested.orElse(Mode.ONLINE), actor, Optional.of("new store"), Optional.empty());
      return fresh;
    }
    ModeService service = new ModeService(vault, clock, stored.get(), seal, publisher);
    service.freezeFor(stored.get().mode());
    service.startWith(requested, actor);
    return service;
  }

  /** Applies {@code --mode} given at start-up, when it differs from the mode in force. */
  private void startWith(Optional<Mode> requested, Actor actor) {
    if (requested.isPresent() && requested.get() != current()) {
      change(requested.get(), actor, Optional.of("--mode " + requested.get() + " at start-up"));
    }
  }

  /** Comes up offline with the store's seal, audited, without sealing anew. */
  private synchronized void restoreSeal(Seal seal, Actor actor, Optional<Mode> catalogMode) {
    freezeFor(Mode.OFFLINE);
    Optional<String> reason = Optional.of("the store is sealed (DATA/store.state); the catalog said "
        + catalogMode.map(Mode::wireName).orElse("nothing"));
    ModeState after = new ModeState(Mode.OFFLINE, clock.instant(), actor.id(), reason, Optional.of(seal));
    vault.append(LogKind.AUDIT, auditEntry(catalogMode, after, actor));
    vault.putState(SEAL_KEY, writeSeal(seal));
    vault.putState(MODE_KEY, writeMode(after));
    state = after;
    lastSeal = Optional.of(seal);
    log.warn("mode offline restored at start-up: {}; seal {} over {} entries", reason.get(), seal.digest(),
        seal.entries());
  }

  /** The mode in force now. */
  public Mode current() {
    return state.mode();
  }

  /**
   * The mode in force now and the change that set it; on a replica of the set default, with the
   * seal it serves.
   */
  public ModeState state() {
    ModeState s = state;
    Optional<Seal> served = servedDefault();
    return served.isPresent() ? new ModeState(s.mode(), s.changedAt(), s.changedBy(), s.reason(), served) : s;
  }

  /**
   * The last seal ever computed (also after going online again), if any; on a replica of the set
   * default, the seal it serves.
   */
  public Optional<Seal> lastSeal() {
    return servedDefault().or(() -> lastSeal);
  }

  /** The seal of the set a replica serves as default ({@link Vault#serve}), if it does. */
  private Optional<Seal> servedDefault() {
    return vault.servedAs(SetName.DEFAULT).isPresent() ? vault.defaultSet().sealed() : Optional.empty();
  }

  /**
   * Why uploads are refused now, or empty when they are accepted: the upload gate of the admin
   * ingest routes ({@code modeService::uploadRefusal}).
   */
  public Optional<String> uploadRefusal() {
    Optional<String> pin = pinned;
    if (pin.isPresent()) {
      return pin;
    }
    return current() == Mode.OFFLINE ? Optional.of(SEALED) : Optional.empty();
  }

  /** Why the server stays offline whatever is asked, if {@link #pinOffline} said so. */
  public Optional<String> pinned() {
    return pinned;
  }

  /** A change refused because the server is {@link #pinOffline pinned} offline (a replica). */
  public static final class PinnedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PinnedException(String reason) {
      super(reason);
    }
  }

  /**
   * Keeps the server offline for good (a replica): uploads are refused with {@code reason}, and
   * so is going online. Call it once the server is offline; in memory only.
   */
  public void pinOffline(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (current() != Mode.OFFLINE) {
      throw new IllegalStateException("pinOffline needs the server offline, it is " + current());
    }
    pinned = Optional.of(reason);
  }

  /**
   * Sets the mode. Setting the mode in force changes nothing and records nothing.
   *
   * @return the state after the change
   * @throws RuntimeException when the seal, the audit entry or the state could not be stored; the
   *     old mode stays in force then
   */
  public synchronized ModeState change(Mode to, Actor actor, Optional<String> reason) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(actor, "actor");
    if (to == state.mode()) {
      return state;
    }
    if (pinned.isPresent()) {
      throw new PinnedException(pinned.get());
    }
    return apply(to, actor, reason, Optional.of(state.mode()));
  }

  private synchronized ModeState apply(Mode to, Actor actor, Optional<String> reason, Optional<Mode> from) {
    ModeState before = state;
    Instant now = clock.instant();
    // Visible first, so that no upload starts while the seal is computed.
    state = new ModeState(to, now, actor.id(), reason, Optional.empty());
    try {
      freezeFor(to); // going offline, waits for binds already past the gate
      // The store records the seal (or its end) outside the catalog first, then in it.
      Optional<Seal> seal;
      if (to == Mode.OFFLINE) {
        seal = Optional.of(vault.seal(now));
        // Fail closed, as SetService does: a seal that replicas cannot see is not made.
        publisher.publish(vault.defaultSet(), seal.get());
      } else {
        vault.unseal();
        seal = Optional.empty();
      }
      ModeState after = new ModeState(to, now, actor.id(), reason, seal);
      vault.append(LogKind.AUDIT, auditEntry(from, after, actor));
      seal.ifPresent(s -> vault.putState(SEAL_KEY, writeSeal(s)));
      vault.putState(MODE_KEY, writeMode(after));
      state = after;
      if (seal.isPresent()) {
        lastSeal = seal;
      }
      log.info("mode {} -> {} by {} from {}{}{}", from.map(Mode::wireName).orElse("(new store)"), to,
          actor.id(), actor.client(), reason.map(r -> ": " + r).orElse(""),
          seal.map(s -> "; seal " + s.digest() + " over " + s.entries() + " entries").orElse(""));
      return after;
    } catch (IOException | RuntimeException e) {
      state = before;
      freezeFor(before.mode());
      restoreStoreSeal(before);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** After a failed change, puts the store's own seal record back to the mode still in force. */
  private void restoreStoreSeal(ModeState inForce) {
    try {
      if (inForce.mode() == Mode.OFFLINE && vault.sealed().isEmpty()) {
        vault.seal(clock.instant());
      } else if (inForce.mode() == Mode.ONLINE && vault.sealed().isPresent()) {
        vault.unseal();
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot put the store's seal record back to {}: {}", inForce.mode(), e.toString());
    }
  }

  /** Offline, nothing may be bound behind the seal: the catalog is frozen; online it is not. */
  private void freezeFor(Mode mode) {
    if (mode == Mode.OFFLINE) {
      vault.freeze(SEALED);
    } else {
      vault.thaw();
    }
  }

  // ---- stored forms (JSON, ISO-8601 times) ----

  private static byte[] auditEntry(Optional<Mode> from, ModeState after, Actor actor) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", after.changedAt().toString());
    o.put("action", "mode");
    o.put("set", SetName.DEFAULT.value()); // the default set's trail shows its seals by the mode too
    o.put("from", from.map(Mode::wireName).orElse(null));
    o.put("to", after.mode().wireName());
    o.put("by", actor.id());
    o.put("client", actor.client());
    o.put("reason", after.reason().orElse(null));
    after.seal().ifPresent(s -> o.set("seal", sealNode(s)));
    return bytes(o);
  }

  static byte[] writeSealBytes(Seal s) {
    return writeSeal(s);
  }

  static Optional<Seal> readSealBytes(byte[] b) {
    try {
      return Optional.of(readSeal(b));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static ObjectNode sealNode(Seal s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("digest", s.digest());
    o.put("entries", s.entries());
    o.put("at", s.at().toString());
    return o;
  }

  private static byte[] writeSeal(Seal s) {
    return bytes(sealNode(s));
  }

  private static Seal readSeal(byte[] b) {
    ObjectNode o = node(b, SEAL_KEY);
    return new Seal(o.path("digest").asText(), o.path("entries").asLong(), Instant.parse(o.path("at").asText()));
  }

  private static byte[] writeMode(ModeState s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("mode", s.mode().wireName());
    o.put("changedAt", s.changedAt().toString());
    o.put("changedBy", s.changedBy());
    o.put("reason", s.reason().orElse(null));
    return bytes(o);
  }

  private static ModeState readMode(byte[] b, Optional<Seal> seal) {
    ObjectNode o = node(b, MODE_KEY);
    Mode mode = Mode.byWireName(o.path("mode").asText())
        .orElseThrow(() -> new IllegalStateException("stored mode is unreadable: " + o));
    Optional<String> reason = o.hasNonNull("reason") ? Optional.of(o.get("reason").asText()) : Optional.empty();
    return new ModeState(mode, Instant.parse(o.path("changedAt").asText()), o.path("changedBy").asText(),
        reason, mode == Mode.OFFLINE ? seal : Optional.empty());
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode node(byte[] b, String key) {
    try {
      if (JSON.readTree(b) instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      throw new IllegalStateException("stored " + key + " is not JSON: " + e.getMessage(), e);
    }
    throw new IllegalStateException("stored " + key + " is not a JSON object");
  }
}

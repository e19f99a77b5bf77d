package org.distvault.server.mode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.SetSummary;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source sets as the operator changes them: created by their first manifest, sealed and
 * unsealed one by one, deleted; every change audited (action {@code create|seal|unseal|delete},
 * with {@code "set"}) in the catalog's one audit log, which {@link #audit} reads per set.
 *
 * <p>Sealing freezes the set first (a bind that passed the upload gate just before either lands
 * before the seal or is refused), then seals it; unsealing unseals, then thaws. The freeze lives in
 * memory only, so {@link #open} freezes again every set the store says is sealed.
 *
 * <p>The global mode stays the server-wide switch ({@link ModeService}): offline seals the default
 * set and refuses uploads into every set; while offline the default set cannot be unsealed here.
 * Every change here runs under the {@link ModeService}'s lock, so a set change and a mode change
 * never interleave (both are rare; a seal of a large set holds the others up for its duration).
 * Thread-safe.
 */
public final class SetService {
  private static final Logger log = LoggerFactory.getLogger(SetService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Catalog state key holding the default set's seal when it was sealed through the sets API while
   * online; {@link ModeService#open} then comes up online instead of taking the sealed default set
   * for an interrupted {@code mode offline}.
   */
  static final String DEFAULT_SEAL_KEY = "sets.default.seal";

  /** Audit entries scanned per {@link #audit} call at most, so a long log answers in bounded time. */
  static final int AUDIT_SCAN = 100_000;

  /** Why the upload gate and the freeze refuse writes into a sealed set. */
  public static String sealedReason(SetName name) {
    return "set " + name + " is sealed";
  }

  /** The answer of a state change. */
  public record Change(SetName name, Optional<Seal> seal, Optional<Seal> previousSeal, boolean changed) {
    public Change {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(seal, "seal");
      Objects.requireNonNull(previousSeal, "previousSeal");
    }

    /** {@code sealed} or {@code filling}. */
    public String state() {
      return seal.isPresent() ? "sealed" : "filling";
    }
  }

  /** One page of a set's audit trail; {@code next} is the cursor to go on from. */
  public record AuditPage(List<ObjectNode> entries, long next) {}

  private final Vault vault;
  private final ModeService modes;
  private final Clock clock;
  private final SealPublisher publisher;

  private SetService(Vault vault, ModeService modes, Clock clock, SealPublisher publisher) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.modes = Objects.requireNonNull(modes, "modes");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  /**
   * Starts the service after {@link ModeService#open}: freezes every set the store says is sealed
   * (the default set offline is the mode's, already frozen).
   */
  public static SetService open(Vault vault, ModeService modes, Clock clock) {
    return open(vault, modes, clock, SealPublisher.NONE);
  }

  /**
   * Starts the service as {@link #open(Vault, ModeService, Clock)} does; every seal made here is
   * published through {@code publisher} before it is audited and answered.
   */
  public static SetService open(Vault vault, ModeService modes, Clock clock, SealPublisher publisher) {
    SetService service = new SetService(vault, modes, clock, publisher);
    synchronized (modes) {
      for (Map.Entry<SetName, Seal> e : vault.seals().entrySet()) {
        SetName name = e.getKey();
        if (name.isDefault() && modes.current() == Mode.OFFLINE) {
          continue;
        }
        vault.set(name).ifPresent(set -> set.freeze(sealedReason(name)));
        log.info("set {} is sealed ({} over {} entries): frozen", name, e.getValue().digest(),
            e.getValue().entries());
      }
    }
    return service;
  }

  /** Whether the store's seal of the default set is the one set through the sets API while online. */
  static boolean sealedThroughSets(Vault vault, Seal sealed) {
    return vault.state(DEFAULT_SEAL_KEY).flatMap(ModeService::readSealBytes)
        .filter(s -> s.digest().equals(sealed.digest()) && s.at().equals(sealed.at()))
        .isPresent();
  }

  /** Every set at a glance, sorted by name. */
  public List<SetSummary> list() {
    List<SetSummary> out = new ArrayList<>();
    for (SetName name : vault.sets().stream().sorted().toList()) {
      vault.set(name).ifPresent(set -> out.add(set.summary()));
    }
    return out;
  }

  /** The record of the held blob with this SHA-512, if there is one (blobs are shared by every set). */
  public Optional<org.distvault.storage.record.BlobRecord> blob(org.distvault.storage.digest.Digest sha512) {
    return vault.blob(sha512);
  }

  /** The set, if the store has it. */
  public Optional<SourceSet> find(SetName name) {
    return vault.set(name);
  }

  /**
   * Why writes into {@code name} are refused now (the server is offline, the set is sealed or
   * being deleted), or empty: the upload gate of the set's ingest routes. In memory only.
   */
  public Optional<String> uploadRefusal(SetName name) {
    Optional<String> offline = modes.uploadRefusal();
    if (offline.isPresent()) {
      return offline;
    }
    return vault.set(name).flatMap(SourceSet::frozen);
  }

  /** The set, created (durably, audited {@code create} by {@code actor}) if it is new. */
  public SourceSet create(SetName name, Actor actor) {
    Optional<SourceSet> existing = vault.set(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    synchronized (modes) {
      existing = vault.set(name);
      if (existing.isPresent()) {
        return existing.get();
      }
      SourceSet set = vault.createSet(name);
      audit(entry("create", name, actor, Optional.empty(), Optional.empty()));
      log.info("set {} created by {} from {}", name, actor.id(), actor.client());
      return set;
    }
  }

  /**
   * Seals ({@code sealed}) or unseals a set; asking for the state in force changes nothing.
   *
   * @throws NoSuchElementException when the store has no such set
   * @throws IllegalStateException when unsealing the default set while the server is offline, or
   *     on a replica
   * @throws UncheckedIOException when the seal could not be recorded; the old state stays then
   * @throws org.distvault.storage.blob.BackendUnavailableException when the seal could not be
   *     published; the set stays unsealed then
   */
  public Change change(SetName name, boolean sealed, Actor actor, Optional<String> reason) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    refuseIfPinned();
    synchronized (modes) {
      SourceSet set = vault.set(name).orElseThrow(() -> new NoSuchElementException("no set " + name));
      Optional<Seal> before = set.sealed();
      if (sealed == before.isPresent()) {
        return new Change(name, before, before, false);
      }
      if (!sealed && name.isDefault() && modes.current() == Mode.OFFLINE) {
        throw new IllegalStateException("the server is offline: `distvault mode online` first");
      }
      Instant now = clock.instant();
      try {
        if (sealed) {
          set.freeze(sealedReason(name)); // waits for the binds already past the gate
          Seal seal = set.seal(now);
          // Fail closed: a seal that replicas cannot see is not made (restored below, 503).
          publisher.publish(set, seal);
          audit(entry("seal", name, actor, reason, Optional.of(seal)));
          if (name.isDefault()) {
            vault.putState(DEFAULT_SEAL_KEY, ModeService.writeSealBytes(seal));
          }
          log.info("set {} sealed by {} from {}{}: {} over {} entries", name, actor.id(), actor.client(),
              reason.map(r -> " (" + r + ")").orElse(""), seal.digest(), seal.entries());
          return new Change(name, Optional.of(seal), before, true);
        }
        set.unseal();
        set.thaw();
        audit(entry("unseal", name, actor, reason, before));
        log.info("set {} unsealed by {} from {}{}", name, actor.id(), actor.client(),
            reason.map(r -> " (" + r + ")").orElse(""));
        return new Change(name, Optional.empty(), before, true);
      } catch (IOException | RuntimeException e) {
        restore(set, before);
        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
      }
    }
  }

  /** A replica's sets follow the published seal: no operator changes them here. */
  private void refuseIfPinned() {
    Optional<String> pinned = modes.pinned();
    if (pinned.isPresent()) {
      throw new IllegalStateException(pinned.get());
    }
  }

  /** After a failed change, puts the set back to the state still in force. */
  private void restore(SourceSet set, Optional<Seal> inForce) {
    try {
      if (inForce.isPresent()) {
        set.freeze(sealedReason(set.name()));
        if (set.sealed().isEmpty()) {
          set.seal(clock.instant());
        }
      } else {
        if (set.sealed().isPresent()) {
          set.unseal();
        }
        set.thaw();
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot put {} back to {}: {}", set, inForce.isPresent() ? "sealed" : "filling", e.toString());
    }
  }

  /**
   * Deletes a set's expectations and bindings (never a blob), audited.
   *
   * @return the number of distfile names it had
   * @throws IllegalArgumentException for the default set
   * @throws NoSuchElementException when the store has no such set
   * @throws IllegalStateException when the set is sealed
   */
  public long delete(SetName name, Actor actor, Optional<String> reason) {
    if (name.isDefault()) {
      throw new IllegalArgumentException("the set default cannot be deleted");
    }
    refuseIfPinned();
    synchronized (modes) {
      SourceSet set = vault.set(name).orElseThrow(() -> new NoSuchElementException("no set " + name));
      Optional<Seal> seal = set.sealed();
      if (seal.isPresent()) {
        throw new IllegalStateException(sealedReason(name) + " (" + seal.get().digest()
            + "): unseal it before deleting it");
      }
      long names = vault.deleteSet(name);
      ObjectNode e = entry("delete", name, actor, reason, Optional.empty());
      e.put("deleted", names);
      audit(e);
      log.info("set {} deleted by {} from {}: {} distfile names", name, actor.id(), actor.client(), names);
      return names;
    }
  }

  /**
   * Up to {@code limit} entries of the set's audit trail after cursor {@code since} (entries
   * without {@code "set"}, older than sets, are the default set's). Scans at most {@link
   * #AUDIT_SCAN} entries; {@code next} is the last cursor scanned.
   */
  public AuditPage audit(SetName name, long since, int limit) {
    List<ObjectNode> out = new ArrayList<>();
    long next = since;
    int scanned = 0;
    while (out.size() < limit && scanned < AUDIT_SCAN) {
      List<LogEntry> page = vault.read(LogKind.AUDIT, next, Vault.MAX_PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (LogEntry le : page) {
        scanned++;
        next = le.cursor();
        ObjectNode o = parse(le);
        if (o != null && o.path("set").asText(SetName.DEFAULT.value()).equals(name.value())) {
          ObjectNode withCursor = JSON.createObjectNode().put("cursor", le.cursor());
          withCursor.setAll(o);
          if (!withCursor.has("set")) {
            withCursor.put("set", SetName.DEFAULT.value());
          }
          out.add(withCursor);
          if (out.size() == limit) {
            break;
          }
        }
      }
    }
    return new AuditPage(out, next);
  }

  private static ObjectNode parse(LogEntry le) {
    try {
      JsonNode n = JSON.readTree(le.payload());
      return n instanceof ObjectNode o ? o : null;
    } catch (IOException e) {
      log.warn("audit entry {} is not JSON: {}", le.cursor(), e.getMessage());
      return null;
    }
  }

  private void audit(ObjectNode entry) {
    try {
      vault.append(LogKind.AUDIT, JSON.writeValueAsBytes(entry));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode entry(String action, SetName name, Actor actor, Optional<String> reason, Optional<Seal> seal) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", clock.instant().toString());
    o.put("action", action);
    o.put("set", name.value());
    o.put("by", actor.id());
    o.put("client", actor.client());
    o.put("reason", reason.orElse(null));
    if (seal.isPresent()) {
      o.set("seal", ModeService.sealNode(seal.get()));
    } else {
      o.putNull("seal");
    }
    return o;
  }
}

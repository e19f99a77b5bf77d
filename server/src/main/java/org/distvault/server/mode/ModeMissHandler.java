package org.distvault.server.mode;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.http.Miss;
import org.distvault.server.http.MissAnswer;
import org.distvault.server.http.MissHandler;
import org.distvault.storage.name.SetName;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * Decides, per miss, what it means: the one place where the request's source set and the server's
 * mode choose a {@link MissPolicy}.
 *
 * <ul>
 *   <li>the set is sealed (or frozen, being sealed), or the store has no such set: a violation
 *       ({@link OfflineMissPolicy}); no outbound connection;
 *   <li>the set is filling and the server online: {@link OnlineMissPolicy} (read-through into
 *       that set when {@code --upstream} is given);
 *   <li>the set is filling and the server offline: a violation too, its reason prefixed
 *       {@link OfflineMissPolicy#SERVER_OFFLINE} (offline means no outbound connection for any set).
 * </ul>
 *
 * <p>Going offline seals the default set ({@link ModeService}), so for the routes without {@code
 * /set/} this is the mode's choice, as before sets (the default set can also be sealed on its own,
 * through the sets API).
 */
public final class ModeMissHandler implements MissHandler {
  private final ModeService modes;
  private final Vault vault;
  private final OnlineMissPolicy online;
  private final OfflineMissPolicy offline;

  public ModeMissHandler(ModeService modes, Vault vault, OnlineMissPolicy online, OfflineMissPolicy offline) {
    this.modes = Objects.requireNonNull(modes, "modes");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.online = Objects.requireNonNull(online, "online");
    this.offline = Objects.requireNonNull(offline, "offline");
  }

  @Override
  public MissAnswer answer(Miss miss) throws IOException {
    Optional<MissAnswer> violation = answerWithoutBlocking(miss);
    return violation.isPresent() ? violation.get() : online.answer(miss);
  }

  /**
   * The answer of a miss that is a violation: recorded without waiting ({@link MissAnswer.Later}),
   * so it may be given on an I/O thread. Empty for a miss of a filling set while the server is
   * online, which may fetch from upstream.
   */
  @Override
  public Optional<MissAnswer> answerWithoutBlocking(Miss miss) {
    SetName name = miss.set();
    Optional<SourceSet> set = name.isDefault() ? Optional.of(vault.defaultSet()) : vault.set(name);
    // A frozen set is being sealed (or deleted): it can bind nothing, so it is treated as sealed
    // and no download starts for it.
    if (set.isEmpty() || set.get().sealed().isPresent() || set.get().frozen().isPresent()) {
      return Optional.of(offline.answer(miss));
    }
    if (modes.current() == Mode.OFFLINE) {
      return Optional.of(offline.answerWhileOffline(miss));
    }
    return Optional.empty();
  }
}

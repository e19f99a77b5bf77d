package org.distvault.server.mode;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distvault.server.http.Miss;
import org.distvault.server.http.MissAnswer;
import org.distvault.server.http.MissHandler;

/**
 * Hands each miss to the {@link MissPolicy} of the mode in force when the miss happens: the one
 * place where the mode decides what a miss means.
 */
public final class ModeMissHandler implements MissHandler {
  private final ModeService modes;
  private final Map<Mode, MissPolicy> policies = new EnumMap<>(Mode.class);

  /**
   * @param policies exactly one policy per mode
   * @throws IllegalArgumentException when a mode has none or two
   */
  public ModeMissHandler(ModeService modes, List<MissPolicy> policies) {
    this.modes = Objects.requireNonNull(modes, "modes");
    for (MissPolicy p : policies) {
      if (this.policies.put(p.mode(), p) != null) {
        throw new IllegalArgumentException("two miss policies for mode " + p.mode());
      }
    }
    for (Mode m : Mode.values()) {
      if (!this.policies.containsKey(m)) {
        throw new IllegalArgumentException("no miss policy for mode " + m);
      }
    }
  }

  @Override
  public MissAnswer answer(Miss miss) throws IOException {
    return policies.get(modes.current()).answer(miss);
  }
}

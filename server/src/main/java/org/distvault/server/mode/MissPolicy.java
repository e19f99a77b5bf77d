package org.distvault.server.mode;

import org.distvault.server.http.MissHandler;

/**
 * What a miss means in one {@link Mode}: one implementation per mode ({@link OnlineMissPolicy},
 * {@link OfflineMissPolicy}), chosen per request by {@link ModeMissHandler}. Implementations are
 * safe for concurrent use.
 */
public interface MissPolicy extends MissHandler {
  /** The mode this policy serves. */
  Mode mode();
}

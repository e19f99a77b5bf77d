package org.distvault.storage.record;

import java.util.List;

/**
 * Told of the entries of one log that a group commit has just made durable, by the thread that
 * committed the group, before their {@code append} calls return (see {@code Vault#onCommitted}). It runs between two syncs, so it must be short and must not call the
 * catalog's log methods.
 */
@FunctionalInterface
public interface LogListener {
  /**
   * @param entries the durable entries of the group, in cursor order (never empty)
   */
  public void committed(List<LogEntry> entries);
}

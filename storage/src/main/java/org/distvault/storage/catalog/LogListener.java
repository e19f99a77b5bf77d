package org.distvault.storage.catalog;

import java.util.List;

/**
 * Told of the entries of one log that a group commit has just made durable, on the catalog's
 * committer thread, before their {@link Catalog#append} calls return (see {@link
 * Catalog#onCommitted}). It runs between two syncs, so it must be short and must not call the
 * catalog's log methods.
 */
@FunctionalInterface
public interface LogListener {
  /**
   * @param entries the durable entries of the group, in cursor order (never empty)
   */
  void committed(List<LogEntry> entries);
}

package org.distvault.server.health;

/**
 * Why the server is degraded. The wire names are the {@code reason} of {@code /healthz} and the
 * label of {@code distvault_degraded}: a closed set, so the metric's labels stay bounded.
 */
public enum Condition {
  /** Free space on the data file system is below the threshold ({@code --min-free-space}). */
  LOW_SPACE("low_space", "free space on the data file system is low"),
  /** The last write to the catalog failed (a miss could not be recorded, an upload not stored). */
  CATALOG_WRITE_FAILING("catalog_write_failing", "catalog writes are failing"),
  /** Violations are in the catalog but not yet in {@code DATA/log/violations.jsonl}. */
  VIOLATIONS_FILE_BEHIND("violations_file_behind", "the violations file is behind the catalog");

  private final String wireName;
  private final String meaning;

  Condition(String wireName, String meaning) {
    this.wireName = wireName;
    this.meaning = meaning;
  }

  public String wireName() {
    return wireName;
  }

  /** What it means, for the log line of a change. */
  public String meaning() {
    return meaning;
  }
}

package org.distvault.storage.record;

/**
 * An append-only log kept in the catalog. Each kind has its own cursor sequence, starting at 1.
 *
 * <p>To add a kind, add a constant with a new code: the code prefixes every stored key, so it
 * must never change or be reused.
 */
public enum LogKind {
  /** Offline misses, recorded before the 404 is sent. */
  VIOLATIONS(1),
  /** Mode changes and other operator actions, with who and when. */
  AUDIT(2);

  private final byte code;

  LogKind(int code) {
    this.code = (byte) code;
  }

  /** The stored key prefix of this log. */
  public byte code() {
    return code;
  }
}

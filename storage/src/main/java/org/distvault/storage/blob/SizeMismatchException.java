package org.distvault.storage.blob;

import java.io.IOException;

/**
 * Content whose size differs from the one expected. Carries both.
 *
 * <p>When the content was too long, reading stopped at the first byte past the expected size, so
 * {@link #actual()} is only a lower bound: {@link #actualIsLowerBound()} says so.
 */
public final class SizeMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long expected;
  private final long actual;
  private final boolean actualIsLowerBound;

  private SizeMismatchException(long expected, long actual, boolean actualIsLowerBound) {
    super(
        "Size mismatch: expected " + expected + " bytes, got " + actual
            + (actualIsLowerBound ? " or more (stopped reading)" : ""));
    this.expected = expected;
    this.actual = actual;
    this.actualIsLowerBound = actualIsLowerBound;
  }

  /** The content ended after {@code actual} bytes, fewer than {@code expected}. */
  public static SizeMismatchException tooShort(long expected, long actual) {
    return new SizeMismatchException(expected, actual, false);
  }

  /** At least {@code atLeast} bytes arrived, more than {@code expected}; reading stopped there. */
  public static SizeMismatchException tooLong(long expected, long atLeast) {
    return new SizeMismatchException(expected, atLeast, true);
  }

  public long expected() {
    return expected;
  }

  public long actual() {
    return actual;
  }

  /** Whether the content may be longer than {@link #actual()} (reading stopped early). */
  public boolean actualIsLowerBound() {
    return actualIsLowerBound;
  }
}

package org.distvault.prefetch.fetch;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses an HTTP {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * The time before which no request should be sent, or empty when the header is absent or
   * unreadable (the caller then backs off on its own).
   */
  public static Optional<Instant> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.trim();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(now.plusSeconds(Long.parseLong(v)));
      } catch (NumberFormatException | ArithmeticException e) {
        // Absurdly long: treat as "very far in the future", which the caller caps anyway.
        return Optional.of(Instant.MAX);
      }
    }
    try {
      return Optional.of(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

package org.distvault.server.http;

import io.undertow.util.DateUtils;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The validators of a served blob, a strong {@code ETag} (the quoted SHA-512 hex) and
 * {@code Last-Modified} (the store time in whole seconds), and the conditional-request rules that
 * use them (RFC 9110 §13).
 *
 * <p>Evaluated: {@code If-None-Match} (with {@code *} and lists, weak comparison), then, only when
 * that header is absent, {@code If-Modified-Since}; and {@code If-Range} (strong comparison, or an
 * exact date match). {@code If-Match} and {@code If-Unmodified-Since} are not evaluated: blobs are
 * immutable, so they could only fail for a client that asked for another blob.
 */
record BlobValidators(String etag, Instant lastModified, String lastModifiedHeader) {
  /** How many blobs' validators are kept ready; past that the memo starts again. */
  static final int MEMO_ENTRIES = 16_384;

  /**
   * Validators of recently served blobs: the hex ETag and the formatted date cost more than a
   * map lookup, and the same small blobs are served again and again.
   */
  private static final ConcurrentHashMap<ServableBlob, BlobValidators> MEMO = new ConcurrentHashMap<>();

  /**
   * @param etag the strong entity tag, quoted
   * @param lastModified the store time in whole seconds
   * @param lastModifiedHeader {@code lastModified} in IMF-fixdate form, the {@code Last-Modified} value
   */
  BlobValidators {
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(lastModifiedHeader, "lastModifiedHeader");
  }

  static BlobValidators of(ServableBlob blob) {
    BlobValidators known = MEMO.get(blob);
    if (known != null) {
      return known;
    }
    Instant seconds = blob.storedAt().truncatedTo(ChronoUnit.SECONDS);
    BlobValidators fresh = new BlobValidators(
        "\"" + blob.sha512().hex() + "\"", seconds, DateUtils.toDateString(Date.from(seconds)));
    if (MEMO.size() >= MEMO_ENTRIES) {
      MEMO.clear();
    }
    MEMO.put(blob, fresh);
    return fresh;
  }

  /**
   * Whether a GET or HEAD should be answered 304: {@code If-None-Match} matches (weak comparison),
   * or it is absent and the blob is not newer than {@code If-Modified-Since}.
   *
   * @param ifNoneMatch every {@code If-None-Match} header value (empty list when absent)
   * @param ifModifiedSince the {@code If-Modified-Since} value, or null
   */
  boolean notModified(List<String> ifNoneMatch, String ifModifiedSince) {
    if (!ifNoneMatch.isEmpty()) {
      for (String value : ifNoneMatch) {
        if (value.trim().equals("*")) {
          return true; // the blob exists, so "*" matches
        }
        Optional<List<String>> tags = opaqueTags(value);
        if (tags.isPresent() && tags.get().contains(opaque(etag))) {
          return true;
        }
      }
      return false; // RFC 9110 §13.2.2: If-Modified-Since is ignored when If-None-Match is present
    }
    if (ifModifiedSince != null) {
      Date since = DateUtils.parseDate(ifModifiedSince.trim());
      return since != null && !lastModified.isAfter(since.toInstant());
    }
    return false;
  }

  /**
   * Whether an {@code If-Range} value (null when absent) lets the Range apply: a strong entity tag
   * equal to ours, or an HTTP date exactly equal to {@code Last-Modified}.
   */
  boolean ifRangeHolds(String ifRange) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return value.equals(etag); // strong comparison: a weak tag never matches
    }
    Date date = DateUtils.parseDate(value);
    return date != null && date.toInstant().equals(lastModified);
  }

  /**
   * The opaque tags (quotes stripped, {@code W/} dropped: weak comparison) of an entity-tag list,
   * or empty if the list is malformed.
   */
  private static Optional<List<String>> opaqueTags(String list) {
    List<String> tags = new ArrayList<>();
    int i = 0;
    int n = list.length();
    while (i < n) {
      char c = list.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      if (list.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || list.charAt(i) != '"') {
        return Optional.empty();
      }
      int close = list.indexOf('"', i + 1);
      if (close < 0) {
        return Optional.empty();
      }
      tags.add(list.substring(i + 1, close));
      i = close + 1;
    }
    return Optional.of(tags);
  }

  private static String opaque(String quotedTag) {
    return quotedTag.substring(1, quotedTag.length() - 1);
  }
}

package org.distvault.server.http;

import io.undertow.util.DateUtils;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.distvault.storage.digest.Digest;

/**
 * The validators of a served blob, a strong {@code ETag} and {@code Last-Modified} (the store time
 * in whole seconds), and the conditional-request rules that use them (RFC 9110 §13).
 *
 * <p>The entity tag is the first {@link #ETAG_BYTES} bytes (128 bits) of the blob's SHA-512 in
 * unpadded base64url, quoted: 24 characters instead of the 130 of the whole hex digest, which
 * earlier versions sent. Two blobs of one store share a tag only if their SHA-512s share those 128
 * bits, which is as unlikely as a collision of a 128-bit hash; and a tag is only ever compared
 * with the tag of the same URL. The old tag, the quoted SHA-512 hex ({@link #legacyEtag}), is
 * still accepted wherever a client sends a tag back, so that a client keeping one from an earlier
 * version still gets its 304 or its range.
 *
 * <p>Evaluated: {@code If-None-Match} (with {@code *} and lists, weak comparison), then, only when
 * that header is absent, {@code If-Modified-Since}; and {@code If-Range} (strong comparison, or an
 * exact date match). {@code If-Match} and {@code If-Unmodified-Since} are not evaluated: blobs are
 * immutable, so they could only fail for a client that asked for another blob.
 */
record BlobValidators(String etag, Digest sha512, Instant lastModified, String lastModifiedHeader) {
  /** Bytes of the SHA-512 in the entity tag. */
  static final int ETAG_BYTES = 16;

  /** How many blobs' validators are kept ready; past that the memo starts again. */
  static final int MEMO_ENTRIES = 16_384;

  /**
   * Validators of recently served blobs: the hex ETag and the formatted date cost more than a
   * map lookup, and the same small blobs are served again and again.
   */
  private static final ConcurrentHashMap<Digest, BlobValidators> MEMO = new ConcurrentHashMap<>();

  /**
   * @param etag the strong entity tag, quoted
   * @param sha512 the blob's SHA-512, of which the tags are made
   * @param lastModified the store time in whole seconds
   * @param lastModifiedHeader {@code lastModified} in IMF-fixdate form, the {@code Last-Modified} value
   */
  BlobValidators {
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(sha512, "sha512");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(lastModifiedHeader, "lastModifiedHeader");
  }

  static BlobValidators of(ServableBlob blob) {
    // By digest (its hash is kept), checked against the store time, which is the only other input.
    BlobValidators known = MEMO.get(blob.sha512());
    if (known != null && known.lastModified().getEpochSecond() == blob.storedAt().getEpochSecond()) {
      return known;
    }
    Instant seconds = blob.storedAt().truncatedTo(ChronoUnit.SECONDS);
    BlobValidators fresh =
        new BlobValidators(etag(blob.sha512()), blob.sha512(), seconds, DateUtils.toDateString(Date.from(seconds)));
    if (MEMO.size() >= MEMO_ENTRIES) {
      MEMO.clear();
    }
    MEMO.put(blob.sha512(), fresh);
    return fresh;
  }

  /**
   * The tag earlier versions sent, the quoted SHA-512 hex: accepted, never sent. Made only when a
   * request sends a tag back, not kept with the validators of every blob.
   */
  String legacyEtag() {
    return "\"" + sha512.hex() + "\"";
  }

  /** The entity tag of the blob with this SHA-512: its first {@link #ETAG_BYTES} bytes in base64url, quoted. */
  static String etag(Digest sha512) {
    return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha512.bytes(), ETAG_BYTES)) + "\"";
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
        if (tags.isPresent() && (tags.get().contains(opaque(etag)) || tags.get().contains(opaque(legacyEtag())))) {
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
      return value.equals(etag) || value.equals(legacyEtag()); // strong comparison: a weak tag never matches
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

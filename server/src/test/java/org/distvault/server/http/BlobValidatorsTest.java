package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;

class BlobValidatorsTest {
  private static final String HEX = "ab".repeat(64);
  /** 16 bytes 0xab in base64url: "q6ur" per 3 bytes, then "qw" for the 16th. */
  private static final String ETAG = "\"q6urq6urq6urq6urq6urqw\"";
  private static final String LEGACY_ETAG = "\"" + HEX + "\"";
  private final BlobValidators v = BlobValidators.of(new ServableBlob(
      Digest.fromHex(DigestAlgorithm.SHA512, HEX), 10, Path.of("unused"), Instant.parse("2024-01-02T03:04:05.999Z")));

  @Test
  void etagIsTheQuotedSha512PrefixInBase64urlAndLastModifiedDropsMillis() {
    assertEquals(ETAG, v.etag());
    assertEquals(LEGACY_ETAG, v.legacyEtag());
    assertEquals("Tue, 02 Jan 2024 03:04:05 GMT", v.lastModifiedHeader());
  }

  @Test
  void ifNoneMatchUsesWeakComparisonOverListsAndHeaders() {
    assertTrue(v.notModified(List.of(ETAG), null));
    assertTrue(v.notModified(List.of("W/" + ETAG), null));
    assertTrue(v.notModified(List.of(" * "), null));
    assertTrue(v.notModified(List.of("\"x\",\t" + ETAG), null));
    assertTrue(v.notModified(List.of("\"x\"", ETAG), null), "several header fields form one list");
    assertTrue(v.notModified(List.of("\"a,b\", " + ETAG), null), "a comma inside a tag is not a separator");
    assertFalse(v.notModified(List.of("\"x\", W/\"y\""), null));
    assertFalse(v.notModified(List.of(HEX), null), "an unquoted tag is malformed");
    assertFalse(v.notModified(List.of("q6urq6urq6urq6urq6urqw"), null), "an unquoted tag is malformed");
    assertFalse(v.notModified(List.of("\"" + HEX), null), "an unterminated tag is malformed");
  }

  @Test
  void theTagOfEarlierVersionsStillMatches() {
    assertTrue(v.notModified(List.of(LEGACY_ETAG), null));
    assertTrue(v.notModified(List.of("\"x\", W/" + LEGACY_ETAG), null));
    assertTrue(v.ifRangeHolds(LEGACY_ETAG));
    assertFalse(v.ifRangeHolds("W/" + LEGACY_ETAG));
    assertFalse(v.notModified(List.of("\"" + HEX.substring(2) + "\""), null), "a shorter hex is another tag");
    assertFalse(v.notModified(List.of("\"q6urq6urq6urq6urq6urq\""), null), "a shorter prefix is another tag");
  }

  @Test
  void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
    assertFalse(v.notModified(List.of("\"x\""), "Fri, 01 Jan 2100 00:00:00 GMT"));
  }

  @Test
  void ifModifiedSinceComparesWholeSeconds() {
    assertTrue(v.notModified(List.of(), "Tue, 02 Jan 2024 03:04:05 GMT"));
    assertTrue(v.notModified(List.of(), "Tuesday, 02-Jan-24 03:04:05 GMT"), "RFC 850 form");
    assertTrue(v.notModified(List.of(), "Tue Jan  2 03:04:05 2024"), "asctime form");
    assertFalse(v.notModified(List.of(), "Tue, 02 Jan 2024 03:04:04 GMT"));
    assertFalse(v.notModified(List.of(), "garbage"));
    assertFalse(v.notModified(List.of(), null));
  }

  @Test
  void ifRangeNeedsAStrongTagOrTheExactDate() {
    assertTrue(v.ifRangeHolds(null));
    assertTrue(v.ifRangeHolds(ETAG));
    assertTrue(v.ifRangeHolds("Tue, 02 Jan 2024 03:04:05 GMT"));
    assertFalse(v.ifRangeHolds("W/" + ETAG));
    assertFalse(v.ifRangeHolds("\"other\""));
    assertFalse(v.ifRangeHolds("Tue, 02 Jan 2024 03:04:06 GMT"));
    assertFalse(v.ifRangeHolds("Mon, 01 Jan 2024 00:00:00 GMT"));
    assertFalse(v.ifRangeHolds("nonsense"));
  }
}

package org.distvault.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.net.PercentCodec;

/**
 * Strict percent-decoding of one raw URL path segment into UTF-8 text.
 *
 * <p>Unlike {@link java.net.URLDecoder} it leaves {@code +} alone (that rule belongs to form
 * data, not paths) and fails instead of guessing: a {@code %} not followed by two hex digits, or
 * bytes that are not valid UTF-8, are errors. Commons Codec's {@link PercentCodec} (RFC 3986,
 * without plus-for-space) does the byte decoding and rejects bad escapes; the UTF-8 check is the
 * JDK's, since the codec leaves the charset to its caller.
 */
final class PercentDecoder {
  private static final PercentCodec PERCENT = new PercentCodec();
  /** A {@code %} without two hex digits, with what follows it: names the bad escape. */
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2}).{0,2}");

  private PercentDecoder() {}

  /**
   * Decodes {@code raw}, which must be ASCII (the parser checks that first). Without a {@code %} it
   * returns {@code raw} itself, which the parser relies on to skip its checks of decoded text.
   *
   * @throws BadRequestTargetException naming the bad escape or the invalid UTF-8
   */
  static String decode(String raw) throws BadRequestTargetException {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    byte[] bytes;
    try {
      bytes = PERCENT.decode(raw.getBytes(StandardCharsets.US_ASCII));
    } catch (DecoderException e) {
      Matcher bad = BAD_ESCAPE.matcher(raw);
      throw new BadRequestTargetException("invalid percent escape at '" + (bad.find() ? bad.group() : raw) + "'");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestTargetException("percent-decoded path is not valid UTF-8");
    }
  }
}

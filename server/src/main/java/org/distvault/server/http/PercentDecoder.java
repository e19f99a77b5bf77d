package org.distvault.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of one raw URL path segment into UTF-8 text.
 *
 * <p>Unlike {@link java.net.URLDecoder} it leaves {@code +} alone (that rule belongs to form
 * data, not paths) and fails instead of guessing: a {@code %} not followed by two hex digits, or
 * bytes that are not valid UTF-8, are errors.
 */
final class PercentDecoder {
  private PercentDecoder() {}

  /**
   * Decodes {@code raw}, which must be ASCII (the parser checks that first).
   *
   * @throws BadRequestTargetException naming the bad escape or the invalid UTF-8
   */
  static String decode(String raw) throws BadRequestTargetException {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteBuffer bytes = ByteBuffer.allocate(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.put((byte) c);
        continue;
      }
      int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new BadRequestTargetException(
            "invalid percent escape at '" + raw.substring(i, Math.min(raw.length(), i + 3)) + "'");
      }
      bytes.put((byte) (hi << 4 | lo));
      i += 2;
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestTargetException("percent-decoded path is not valid UTF-8");
    }
  }
}

package org.distvault.prefetch.client;

/**
 * How many bits an admin token can carry, judged by the smallest alphabet it is written in; a
 * token below {@value #MIN_BITS} bits is refused. This measures the encoding, not the randomness:
 * {@code aaaa...} passes if long enough, but a 1-character or 16-hex-digit token, which could be
 * guessed over the network, does not.
 *
 * <p>The alphabets, smallest first:
 *
 * <ul>
 *   <li>decimal digits only: log2(10) bits each, so 39 digits (a subset of hex, counted apart
 *       because 32 decimal digits are only 106 bits);
 *   <li>hex digits only (either case): 4 bits each, 32 digits;
 *   <li>anything else printable, i.e. base64 or base64url with any trailing {@code =} padding not
 *       counted, and also punctuation outside base64: 6 bits each, 22 characters. A random
 *       printable-ASCII password carries up to 6.55 bits a character, so 6 errs on the safe side.
 * </ul>
 *
 * Characters outside printable ASCII are not counted but refused by {@link AdminToken}: the token
 * travels in an HTTP header.
 */
final class TokenStrength {
  /** The least a token must carry. */
  static final int MIN_BITS = 128;

  /** The alphabet a token is written in, and what one character of it can carry. */
  enum Alphabet {
    DECIMAL("decimal digit", Math.log(10) / Math.log(2)),
    HEX("hex digit", 4),
    BASE64("base64 character", 6),
    OTHER("character", 6);

    private final String noun;
    private final double bitsPerChar;

    Alphabet(String noun, double bitsPerChar) {
      this.noun = noun;
      this.bitsPerChar = bitsPerChar;
    }

    /** The fewest characters of this alphabet that carry {@link #MIN_BITS}. */
    int minLength() {
      return (int) Math.ceil(MIN_BITS / bitsPerChar);
    }

    /** E.g. "31 hex digits", "1 character". */
    String count(int n) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }
  }

  private TokenStrength() {}

  /** The alphabet of {@code token}, which holds printable ASCII only. */
  static Alphabet alphabet(String token) {
    if (token.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Alphabet.DECIMAL;
    }
    if (token.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
      return Alphabet.HEX;
    }
    if (unpadded(token).chars().allMatch(TokenStrength::isBase64)) {
      return Alphabet.BASE64;
    }
    return Alphabet.OTHER;
  }

  /** The characters that count: base64 padding adds none. */
  static int significantLength(String token) {
    return alphabet(token) == Alphabet.BASE64 ? unpadded(token).length() : token.length();
  }

  /** Whole bits {@code token} can carry at most. */
  static int bits(String token) {
    return (int) Math.floor(significantLength(token) * alphabet(token).bitsPerChar + 1e-9);
  }

  /**
   * Why {@code token} is too short, or null when it carries at least {@link #MIN_BITS} bits; e.g.
   * {@code "31 hex digits (124 bits); at least 128 bits are needed: 32 hex digits or 22 base64
   * characters"}.
   */
  static String shortfall(String token) {
    if (bits(token) >= MIN_BITS) {
      return null;
    }
    Alphabet a = alphabet(token);
    String need = a == Alphabet.DECIMAL ? Alphabet.DECIMAL.count(Alphabet.DECIMAL.minLength()) + ", " : "";
    return a.count(significantLength(token)) + " (" + bits(token) + " bits); at least " + MIN_BITS
        + " bits are needed: " + need + Alphabet.HEX.count(Alphabet.HEX.minLength()) + " or "
        + Alphabet.BASE64.count(Alphabet.BASE64.minLength());
  }

  private static String unpadded(String token) {
    int end = token.length();
    while (end > 0 && token.charAt(end - 1) == '=') {
      end--;
    }
    return token.substring(0, end);
  }

  private static boolean isBase64(int c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '+' || c == '/' || c == '-' || c == '_';
  }
}

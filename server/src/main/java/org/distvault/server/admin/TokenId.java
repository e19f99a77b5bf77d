package org.distvault.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The public identity of a token: {@code token:} and the first 8 hex digits of its SHA-256. Names
 * who acted in the audit log without revealing the secret.
 */
public final class TokenId {
  private TokenId() {}

  public static String of(String token) {
    return "token:" + HexFormat.of().formatHex(sha256(token)).substring(0, 8);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

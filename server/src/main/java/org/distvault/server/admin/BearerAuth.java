package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A wrapping handler that lets a request through only with {@code Authorization: Bearer <token>}
 * carrying the admin token; otherwise 401 with a one-line JSON error and {@code WWW-Authenticate}.
 *
 * <p>The presented token is compared with the real one in constant time: both are hashed with
 * SHA-256 and the hashes compared with {@link MessageDigest#isEqual}, so neither the length nor a
 * common prefix leaks through timing. On success the token's {@link TokenId} is attached to the
 * exchange ({@link #TOKEN_ID}) for audit entries. Thread-safe.
 */
public final class BearerAuth implements HttpHandler {
  /** The {@link TokenId} of the caller, attached once authenticated. */
  public static final AttachmentKey<String> TOKEN_ID = AttachmentKey.create(String.class);

  private static final String SCHEME = "Bearer ";

  private final byte[] expected;
  private final String tokenId;
  private final HttpHandler next;

  public BearerAuth(String token, HttpHandler next) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("empty admin token");
    }
    this.expected = TokenId.sha256(token);
    this.tokenId = TokenId.of(token);
    this.next = Objects.requireNonNull(next, "next");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String refusal = refusal(exchange);
    if (refusal != null) {
      refuse(exchange, refusal);
      return;
    }
    exchange.putAttachment(TOKEN_ID, tokenId);
    next.handleRequest(exchange);
  }

  /**
   * Whether {@code exchange} carries the admin token, for routes that answer everyone but say more
   * to the admin (the status page); it neither refuses nor attaches anything.
   */
  public boolean carriesToken(HttpServerExchange exchange) {
    return exchange.getAttachment(TOKEN_ID) != null || refusal(exchange) == null;
  }

  /** Why {@code exchange} is not let through, or null when it carries the admin token. */
  private String refusal(HttpServerExchange exchange) {
    var values = exchange.getRequestHeaders().get(Headers.AUTHORIZATION);
    if (values == null || values.isEmpty()) {
      return "missing bearer token: send Authorization: Bearer <token>";
    }
    String header = values.getFirst();
    if (values.size() > 1 || header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return "malformed Authorization header: expected one 'Bearer <token>'";
    }
    String presented = header.substring(SCHEME.length()).strip();
    if (!MessageDigest.isEqual(expected, TokenId.sha256(presented))) {
      return "invalid token";
    }
    return null;
  }

  private static void refuse(HttpServerExchange exchange, String why) {
    exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"distvault\"");
    JsonReply.error(exchange, StatusCodes.UNAUTHORIZED, why);
  }
}

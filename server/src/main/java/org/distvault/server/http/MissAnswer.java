package org.distvault.server.http;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link MissHandler} decided: reply with a status and one line, serve a blob after all, or
 * reply later (once, e.g., the miss is durably recorded).
 */
public sealed interface MissAnswer {
  /** A plain-text reply whose body is one line saying why (normally 404). */
  record Reply(int status, String line) implements MissAnswer {
    public Reply {
      Objects.requireNonNull(line, "line");
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("a miss is answered with an error status, got " + status);
      }
    }
  }

  /** The blob was obtained after all (e.g. fetched from upstream and verified): serve it. */
  record Serve(ServableBlob blob) implements MissAnswer {
    public Serve {
      Objects.requireNonNull(blob, "blob");
    }
  }

  /**
   * A reply decided later: the request's thread is not held while it is awaited. The stage may
   * fail with {@link org.distvault.server.health.Unavailable} (answered 503 with its message) or
   * another exception (500).
   */
  record Later(CompletionStage<Reply> reply) implements MissAnswer {
    public Later {
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** A 404 with {@code line} as its body. */
  static MissAnswer notFound(String line) {
    return new Reply(404, line);
  }
}

package org.distvault.server.violation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;

/** The violation encoder without Jackson writes Jackson's bytes, and leaves every text that needs escaping to Jackson. */
class PlainJsonTest {
  private static final String PLAIN = "abcXYZ019 -._~/%:;+=@!$&'()*,?[]{}<>^`|#\u007e";
  private static final String ODD = "\"\\\u0000\u0001\n\r\t\u001f\u007f\u0080\u00e9\u2028";

  @Test
  void plainViolationsAreWrittenAsJacksonWritesThem() {
    Random rnd = new Random(18);
    for (int i = 0; i < 2000; i++) {
      Violation v = violation(rnd, PLAIN, -1);
      byte[] plain = PlainJson.encode(v);
      assertNotNull(plain, "plain texts must not need Jackson: " + v);
      assertEquals(new String(ViolationJson.jacksonBytes(v), UTF_8), new String(plain, UTF_8));
      assertEquals(v, ViolationJson.fromBytes(v.cursor(), plain).withCursor(v.cursor()));
    }
  }

  @Test
  void aTextThatNeedsEscapingGoesToJackson() {
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      int field = i % 9;
      Violation v = violation(rnd, PLAIN, field);
      assertNull(PlainJson.encode(v), "field " + field + " holds a character to escape: " + v);
      assertEquals(new String(ViolationJson.jacksonBytes(v), UTF_8), new String(ViolationJson.toBytes(v), UTF_8));
    }
  }

  @Test
  void timesAreWrittenAsInstantWritesThem() {
    Random rnd = new Random(3);
    List<Instant> times = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2026-12-07T00:00:00Z"),
        Instant.parse("2026-12-07T00:00:00.100Z"), Instant.parse("2026-12-07T00:00:00.000100Z"),
        Instant.parse("2026-12-07T00:00:00.000000001Z"), Instant.parse("+12026-01-01T00:00:00.5Z"),
        Instant.parse("1969-12-31T23:59:59.999999999Z")));
    for (int i = 0; i < 3000; i++) {
      long second = 1_700_000_000L + rnd.nextInt(5); // mostly the same few seconds: the cached text
      int nano = switch (i % 4) {
        case 0 -> rnd.nextInt(1000) * 1_000_000;
        case 1 -> rnd.nextInt(1_000_000) * 1000;
        case 2 -> rnd.nextInt(1_000_000_000);
        default -> 0;
      };
      times.add(Instant.ofEpochSecond(second, nano));
    }
    for (Instant t : times) {
      Violation v = new Violation(0, t, ViolationKind.UNKNOWN, "/distfiles/a", "a", Optional.empty(), List.of(),
          SetName.DEFAULT, Optional.empty(), "127.0.0.1", Optional.empty(), "GET", "in no manifest");
      assertEquals("{\"time\":\"" + t + "\"", new String(PlainJson.encode(v), UTF_8).split(",")[0]);
    }
  }

  /** A violation of texts from {@code alphabet}, the one numbered {@code odd} (0-8) with a character to escape. */
  private static Violation violation(Random rnd, String alphabet, int odd) {
    int f = 0;
    ViolationKind kind = ViolationKind.values()[rnd.nextInt(ViolationKind.values().length)];
    Optional<Egress> egress = kind == ViolationKind.EGRESS
        ? Optional.of(new Egress(text(rnd, alphabet, false), 1 + rnd.nextInt(65535),
            rnd.nextBoolean() ? Optional.of(text(rnd, alphabet, false)) : Optional.empty(), "offline"))
        : Optional.empty();
    String path = text(rnd, alphabet, odd == f++);
    String name = text(rnd, alphabet, odd == f++);
    Optional<String> pkgpath = Optional.of(text(rnd, alphabet, odd == f++)).filter(p -> odd == 2 || rnd.nextBoolean());
    List<String> pkgpaths = new ArrayList<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      pkgpaths.add(text(rnd, alphabet, false));
    }
    if (odd == f++) {
      pkgpaths.add(text(rnd, alphabet, true));
    }
    Optional<String> run = Optional.of(text(rnd, alphabet, odd == f++)).filter(r -> odd == 4 || rnd.nextBoolean());
    String client = text(rnd, alphabet, odd == f++);
    Optional<String> agent = Optional.of(text(rnd, alphabet, odd == f++)).filter(a -> odd == 6 || rnd.nextBoolean());
    String method = text(rnd, alphabet, odd == f++);
    String reason = text(rnd, alphabet, odd == f++);
    return new Violation(rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(Integer.MAX_VALUE),
        Instant.ofEpochSecond(1_790_000_000L + rnd.nextInt(100_000), rnd.nextInt(1_000_000) * 1000L), kind, path,
        name, pkgpath, pkgpaths, rnd.nextBoolean() ? SetName.DEFAULT : SetName.of("2026Q4"), run, client, agent,
        method, reason, egress);
  }

  private static String text(Random rnd, String alphabet, boolean odd) {
    StringBuilder b = new StringBuilder();
    for (int i = rnd.nextInt(40); i > 0; i--) {
      b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    if (odd) {
      b.insert(rnd.nextInt(b.length() + 1), ODD.charAt(rnd.nextInt(ODD.length())));
    }
    return b.toString();
  }
}

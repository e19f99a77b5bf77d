package org.distvault.prefetch.deliver;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distvault.prefetch.fetch.FailureKind;
import org.distvault.prefetch.fetch.Retry;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * The one JSON form of an {@link Outcome}, for the server and for the run's report alike. Both
 * start with the fields of the server's {@code POST /api/v1/outcomes} line (api-contract v1):
 * {@code name}, {@code pkgpaths}, {@code digests}, {@code status}, {@code reason}, {@code url},
 * {@code sha512}; the report adds {@code bytes}, {@code millis} and {@code attempts}.
 *
 * <p>{@code status} is {@link Outcome#status()}'s name in lower case: {@code ok} and {@code
 * failed}, the server's own {@link org.distvault.storage.distfile.PrefetchOutcome.Status}
 * words, and in the report also {@code present}, which the server is never sent.
 */
public final class OutcomeJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private OutcomeJson() {}

  /**
   * Writes the line the server records as the distfile's prefetch outcome.
   *
   * @throws IllegalArgumentException for a present outcome: the server already holds it, there is
   *     nothing to record
   */
  public static void writeForServer(JsonGenerator g, Outcome o) throws IOException {
    if (o.status() == Outcome.Status.PRESENT) {
      throw new IllegalArgumentException("a present outcome is not recorded at the server: " + o.entry().name());
    }
    g.writeStartObject();
    writeServerFields(g, o);
    g.writeEndObject();
  }

  /**
   * The body of {@code POST /api/v1/outcomes} for {@code outcomes}: one {@link #writeForServer}
   * line each, present ones left out (the server holds them; there is nothing to record).
   *
   * @return the lines, empty when every outcome is present
   */
  public static byte[] serverLines(List<Outcome> outcomes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(outcomes.size() * 400);
    for (Outcome o : outcomes) {
      if (o.status() == Outcome.Status.PRESENT) {
        continue;
      }
      try (JsonGenerator g = FACTORY.createGenerator(buf, JsonEncoding.UTF8)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        writeForServer(g, o);
      } catch (IOException e) {
        throw new UncheckedIOException("writing JSON into memory failed", e);
      }
      buf.write('\n');
    }
    return buf.toByteArray();
  }

  /** Writes the report's object: the server's fields, then the run's own. */
  public static void writeForReport(JsonGenerator g, Outcome o) throws IOException {
    g.writeStartObject();
    writeServerFields(g, o);
    g.writeNumberField("bytes", o.bytes());
    g.writeNumberField("millis", o.elapsed().toMillis());
    g.writeArrayFieldStart("attempts");
    for (Attempt a : o.attempts()) {
      g.writeStartObject();
      g.writeStringField("url", a.url());
      g.writeStringField("error", a.error());
      g.writeStringField("kind", a.kind().name());
      g.writeStringField("retry", a.retry().name());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Reads back what {@link #writeForReport} wrote for {@code entry} (e.g. a server-side run's
   * outcome line, {@code POST /api/v1/prefetch}). The entry's own fields are not read: the caller
   * knows the entry.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static Outcome readReport(JsonNode n, ExpectedDistfile entry) {
    String statusText = text(n, "status");
    Outcome.Status status;
    try {
      status = Outcome.Status.valueOf(statusText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("outcome of " + entry.name().value() + ": unknown status '" + statusText + "'");
    }
    List<Attempt> attempts = new ArrayList<>();
    for (JsonNode a : n.path("attempts")) {
      try {
        attempts.add(new Attempt(text(a, "url"), text(a, "error"), FailureKind.valueOf(text(a, "kind")),
            Retry.valueOf(text(a, "retry"))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("outcome of " + entry.name().value() + ": bad attempt " + a + ": "
            + e.getMessage(), e);
      }
    }
    Digest sha512 = n.hasNonNull("sha512") ? Digest.fromHex(DigestAlgorithm.SHA512, text(n, "sha512")) : null;
    try {
      return new Outcome(entry, status, n.hasNonNull("reason") ? text(n, "reason") : null, n.path("bytes").asLong(0),
          Duration.ofMillis(n.path("millis").asLong(0)), n.hasNonNull("url") ? text(n, "url") : null, sha512,
          attempts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("outcome of " + entry.name().value() + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" is missing or not a string in " + n);
    }
    return v.asText();
  }

  private static void writeServerFields(JsonGenerator g, Outcome o) throws IOException {
    g.writeStringField("name", o.entry().name().value());
    g.writeArrayFieldStart("pkgpaths");
    for (String p : o.entry().pkgpaths()) {
      g.writeString(p);
    }
    g.writeEndArray();
    writeDigests(g, o.entry().digests().toHexMap());
    g.writeStringField("status", o.status().name().toLowerCase(Locale.ROOT));
    if (o.reason() != null) {
      g.writeStringField("reason", o.reason());
    }
    if (o.url() != null) {
      g.writeStringField("url", o.url());
    }
    if (o.sha512() != null) {
      g.writeStringField("sha512", o.sha512().hex());
    }
  }

  /** A {@code digests} object: algorithm name to hex, as distinfo names them. */
  public static void writeDigests(JsonGenerator g, Map<String, String> digests) throws IOException {
    g.writeObjectFieldStart("digests");
    for (Map.Entry<String, String> d : digests.entrySet()) {
      g.writeStringField(d.getKey(), d.getValue());
    }
    g.writeEndObject();
  }
}

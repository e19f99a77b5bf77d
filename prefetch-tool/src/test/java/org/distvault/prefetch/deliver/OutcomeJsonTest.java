package org.distvault.prefetch.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.distvault.prefetch.fetch.FailureKind;
import org.distvault.prefetch.fetch.Retry;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;

/** The outcome's two JSON forms, byte for byte: the server's line and the report's object. */
class OutcomeJsonTest {
  private static final byte[] CONTENT = TestFiles.bytes(7, 10);
  private static final ExpectedDistfile ENTRY = TestFiles.entry("a-1.0.tgz", "cat/a", CONTENT, "https://up/a-1.0.tgz");
  private static final String DIGESTS = "\"digests\":{\"sha512\":\"" + TestFiles.sha512(CONTENT)
      + "\",\"blake2s\":\"" + TestFiles.digests(CONTENT).get(DigestAlgorithm.BLAKE2S).orElseThrow().hex() + "\"}";

  private interface Write {
    void to(JsonGenerator g) throws IOException;
  }

  private static String json(Write w) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      w.to(g);
    }
    return out.toString();
  }

  private static Outcome ok() {
    return new Outcome(ENTRY, Outcome.Status.OK, null, 10, Duration.ofMillis(1234), "https://up/a-1.0.tgz",
        TestFiles.digests(CONTENT).get(DigestAlgorithm.SHA512).orElseThrow(), List.of());
  }

  private static Outcome failed() {
    return new Outcome(ENTRY, Outcome.Status.FAILED, "HTTP 404 from https://up/a-1.0.tgz", 0, Duration.ofMillis(5),
        "https://up/a-1.0.tgz", null,
        List.of(new Attempt("https://up/a-1.0.tgz", "HTTP 404 from https://up/a-1.0.tgz", FailureKind.HTTP_STATUS,
            Retry.NEXT_URL)));
  }

  @Test
  void serverLineIsTheContractsOutcomeLine() throws IOException {
    assertEquals("{\"name\":\"a-1.0.tgz\",\"pkgpaths\":[\"cat/a\"]," + DIGESTS + ",\"status\":\"ok\","
        + "\"url\":\"https://up/a-1.0.tgz\",\"sha512\":\"" + TestFiles.sha512(CONTENT) + "\"}",
        json(g -> OutcomeJson.writeForServer(g, ok())));
    assertEquals("{\"name\":\"a-1.0.tgz\",\"pkgpaths\":[\"cat/a\"]," + DIGESTS + ",\"status\":\"failed\","
        + "\"reason\":\"HTTP 404 from https://up/a-1.0.tgz\",\"url\":\"https://up/a-1.0.tgz\"}",
        json(g -> OutcomeJson.writeForServer(g, failed())));
  }

  @Test
  void presentIsNeverSentToTheServer() {
    assertThrows(IllegalArgumentException.class, () -> json(g -> OutcomeJson.writeForServer(g, Outcome.present(ENTRY))));
  }

  @Test
  void reportAddsTheRunsFieldsAndKnowsPresent() throws IOException {
    assertEquals("{\"name\":\"a-1.0.tgz\",\"pkgpaths\":[\"cat/a\"]," + DIGESTS + ",\"status\":\"failed\","
        + "\"reason\":\"HTTP 404 from https://up/a-1.0.tgz\",\"url\":\"https://up/a-1.0.tgz\",\"bytes\":0,\"millis\":5,"
        + "\"attempts\":[{\"url\":\"https://up/a-1.0.tgz\",\"error\":\"HTTP 404 from https://up/a-1.0.tgz\","
        + "\"kind\":\"HTTP_STATUS\",\"retry\":\"NEXT_URL\"}]}", json(g -> OutcomeJson.writeForReport(g, failed())));
    assertEquals("{\"name\":\"a-1.0.tgz\",\"pkgpaths\":[\"cat/a\"]," + DIGESTS + ",\"status\":\"present\","
        + "\"bytes\":0,\"millis\":0,\"attempts\":[]}", json(g -> OutcomeJson.writeForReport(g, Outcome.present(ENTRY))));
  }

  @Test
  void theReportFormReadsBackIntoTheSameOutcome() throws IOException {
    for (Outcome o : List.of(ok(), failed(), Outcome.present(ENTRY))) {
      JsonNode n = new ObjectMapper().readTree(json(g -> OutcomeJson.writeForReport(g, o)));
      assertEquals(o, OutcomeJson.readReport(n, ENTRY));
    }
  }

  @Test
  void aMalformedReportObjectNamesTheEntryAndTheField() throws IOException {
    ObjectMapper m = new ObjectMapper();
    IllegalArgumentException status = assertThrows(IllegalArgumentException.class,
        () -> OutcomeJson.readReport(m.readTree("{\"status\":\"lost\"}"), ENTRY));
    assertEquals("outcome of a-1.0.tgz: unknown status 'lost'", status.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> OutcomeJson.readReport(m.readTree("{\"bytes\":1}"), ENTRY));
    assertEquals("\"status\" is missing or not a string in {\"bytes\":1}", missing.getMessage());
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> OutcomeJson.readReport(
        m.readTree("{\"status\":\"failed\",\"reason\":\"x\",\"attempts\":[{\"url\":\"u\",\"error\":\"e\","
            + "\"kind\":\"BAD\",\"retry\":\"NEXT_URL\"}]}"), ENTRY));
    assertTrue(kind.getMessage().startsWith("outcome of a-1.0.tgz: bad attempt "), kind.getMessage());
    IllegalArgumentException noReason = assertThrows(IllegalArgumentException.class,
        () -> OutcomeJson.readReport(m.readTree("{\"status\":\"failed\"}"), ENTRY));
    assertEquals("outcome of a-1.0.tgz: a failed outcome needs a reason", noReason.getMessage());
  }
}

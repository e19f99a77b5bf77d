package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scrubs one at a time, whoever asks (the admin route or {@code serve --scrub-every}), and
 * keeps the last one's time and result in the catalog, so that it survives restarts and an alert
 * can say that no scrub ran for days. Thread-safe.
 */
public final class ScrubRunner {
  private static final Logger log = LoggerFactory.getLogger(ScrubRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Catalog state key of the last scrub. */
  static final String LAST_KEY = "scrub.last";

  /** Runs one scrub; {@link Vault#scrub} outside tests. */
  @FunctionalInterface
  public interface Scrub {
    ScrubReport run() throws IOException;
  }

  /**
   * The last finished scrub.
   *
   * @param at when it finished
   * @param checked blob files re-hashed
   * @param corrupt how many were corrupt (quarantined)
   * @param missing recorded blobs whose file was gone
   */
  public record Last(Instant at, long checked, long bytes, int corrupt, int missing) {
    public Last {
      Objects.requireNonNull(at, "at");
    }

    /** {@code {"at","checked","bytes","corrupt","missing"}}: the stored record, and the status page's. */
    public ObjectNode json() {
      ObjectNode o = JSON.createObjectNode();
      o.put("at", at.toString());
      o.put("checked", checked);
      o.put("bytes", bytes);
      o.put("corrupt", corrupt);
      o.put("missing", missing);
      return o;
    }
  }

  private final Scrub scrub;
  private final Vault vault;
  private final Clock clock;
  private final Consumer<Last> finished;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Optional<Last> last;

  /**
   * @param finished told of every finished scrub (e.g. the metrics), and once now of the last one
   *     the catalog remembers
   */
  public ScrubRunner(Vault vault, Clock clock, Consumer<Last> finished) {
    this(vault::scrub, vault, clock, finished);
  }

  /** For tests that must hold a scrub in progress. */
  ScrubRunner(Scrub scrub, Vault vault, Clock clock, Consumer<Last> finished) {
    this.scrub = Objects.requireNonNull(scrub, "scrub");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.finished = Objects.requireNonNull(finished, "finished");
    this.last = vault.state(LAST_KEY).flatMap(ScrubRunner::read);
    last.ifPresent(finished);
  }

  /** Scrubs now, unless a scrub is running (then empty, and nothing is done). */
  public Optional<ScrubReport> runIfIdle() throws IOException {
    if (!running.compareAndSet(false, true)) {
      return Optional.empty();
    }
    try {
      ScrubReport report = scrub.run();
      Last done = new Last(clock.instant(), report.checked(), report.bytes(), report.corrupt().size(),
          report.missing().size());
      try {
        vault.putState(LAST_KEY, write(done));
      } catch (RuntimeException e) {
        // The scrub itself is done and its findings acted on; only the record of it is missing.
        log.warn("cannot record the time of the scrub that just finished: {}", e.toString());
      }
      last = Optional.of(done);
      finished.accept(done);
      return Optional.of(report);
    } finally {
      running.set(false);
    }
  }

  /** The last finished scrub, also of an earlier run of the server. */
  public Optional<Last> last() {
    return last;
  }

  private static byte[] write(Last l) {
    try {
      return JSON.writeValueAsBytes(l.json());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stored record; an unreadable one is logged and forgotten (it only feeds a metric). */
  private static Optional<Last> read(byte[] bytes) {
    try {
      JsonNode o = JSON.readTree(bytes);
      return Optional.of(new Last(Instant.parse(o.path("at").asText()), o.path("checked").asLong(),
          o.path("bytes").asLong(), o.path("corrupt").asInt(), o.path("missing").asInt()));
    } catch (IOException | DateTimeParseException e) {
      log.warn("the record of the last scrub is unreadable ({}): taken as no scrub", e.toString());
      return Optional.empty();
    }
  }
}

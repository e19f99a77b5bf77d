package org.distvault.server.mode;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.http.DistfileRequest;
import org.distvault.server.http.Miss;
import org.distvault.server.http.MissAnswer;
import org.distvault.server.violation.MissAnalyzer;
import org.distvault.server.violation.MissDiagnosis;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationRecorder;

/**
 * Misses that are violations: through a sealed set (the default set is sealed while the server is
 * offline), through a filling set while the server is offline, or through a set the store does not
 * have. Each one is recorded durably, naming the request's set, before the 404 is sent, whose
 * one-line body says why the file is missing.
 *
 * <p>It has no way to reach the network: it holds only the catalog reader and the recorder.
 */
public final class OfflineMissPolicy implements MissPolicy {
  /** Put before the reason of a miss in a filling set while the server is offline. */
  public static final String SERVER_OFFLINE = "the server is offline; ";

  private final MissAnalyzer analyzer;
  private final ViolationRecorder recorder;
  private final Clock clock;

  public OfflineMissPolicy(MissAnalyzer analyzer, ViolationRecorder recorder, Clock clock) {
    this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Mode mode() {
    return Mode.OFFLINE;
  }

  /** Records the violation, and answers 404 once it is durable. */
  @Override
  public MissAnswer answer(Miss miss) {
    return record(miss, analyzer.diagnose(miss));
  }

  /**
   * As {@link #answer}, for a set that exists and is filling while the server is offline: the
   * reason says so ({@link #SERVER_OFFLINE}), since the same miss online would be no violation.
   */
  public MissAnswer answerWhileOffline(Miss miss) {
    return record(miss, analyzer.diagnose(miss).withReasonPrefix(SERVER_OFFLINE));
  }

  /** The 404, once the violation is durable: the request's thread does not wait for the sync. */
  private MissAnswer record(Miss miss, MissDiagnosis d) {
    Optional<String> run = miss.target() instanceof DistfileRequest r ? r.runId() : Optional.empty();
    MissAnswer.Reply notFound = new MissAnswer.Reply(404, d.line());
    return new MissAnswer.Later(recorder.recordLater(new Violation(0, clock.instant(), d.kind(), miss.path(),
        d.name(), d.pkgpath(), d.pkgpaths(), miss.set(), run, miss.client(), miss.userAgent(), miss.method(),
        d.reason())).thenApply(recorded -> notFound));
  }
}

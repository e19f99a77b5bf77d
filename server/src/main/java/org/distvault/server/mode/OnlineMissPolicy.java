package org.distvault.server.mode;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.http.Miss;
import org.distvault.server.http.MissAnswer;
import org.distvault.server.http.ServableBlob;
import org.distvault.server.violation.MissAnalyzer;
import org.distvault.server.violation.MissDiagnosis;
import org.distvault.server.violation.ViolationKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Misses in a filling set while the server is online: not violations. A catalogued distfile is offered to the {@link
 * ReadThrough} (the seam for fetching from upstream); otherwise the miss is logged and answered
 * with 404 and the same one-line reason an offline miss gets. The request metrics count it as
 * {@code outcome="miss"}.
 */
public final class OnlineMissPolicy implements MissPolicy {
  private static final Logger log = LoggerFactory.getLogger(OnlineMissPolicy.class);

  private final MissAnalyzer analyzer;
  private final ReadThrough readThrough;

  public OnlineMissPolicy(MissAnalyzer analyzer, ReadThrough readThrough) {
    this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
    this.readThrough = Objects.requireNonNull(readThrough, "readThrough");
  }

  @Override
  public Mode mode() {
    return Mode.ONLINE;
  }

  @Override
  public MissAnswer answer(Miss miss) throws IOException {
    MissDiagnosis d = analyzer.diagnose(miss);
    if (d.kind() == ViolationKind.NOT_PREFETCHED) {
      Optional<ServableBlob> fetched = readThrough.fetch(miss.set(), d);
      if (fetched.isPresent()) {
        return new MissAnswer.Serve(fetched.get());
      }
      // A failed read-through recorded its reason as the prefetch outcome: answer with that.
      d = analyzer.diagnose(miss.target());
    }
    log.info("miss (online): {} from {}: {}", miss.path(), miss.client(), d.line());
    return MissAnswer.notFound(d.line());
  }
}

package org.distvault.prefetch.run;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.distvault.prefetch.deliver.DirectorySink;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.prefetch.throttle.ThrottleSettings;

/**
 * A prefetch run in its own JVM, for {@link KillAndRerunTest} to SIGKILL in the middle.
 *
 * <p>Arguments: work dir, DISTDIR, manifest file. Exit code: the run's result.
 */
public final class PrefetchChild {
  private PrefetchChild() {}

  static Prefetcher prefetcher(Path work, Path distdir) throws java.io.IOException {
    ThrottleSettings t = ThrottleSettings.defaults().withJobs(4, 4).withInitialPerHost(4);
    FetchSettings f = FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60));
    return new Prefetcher(PrefetchConfig.defaults(work).withThrottle(t), SchemeFetcher.standard(f, Clock.systemUTC()),
        new DirectorySink(distdir), Progress.none(), Clock.systemUTC());
  }

  public static void main(String[] args) throws Exception {
    Path manifest = Path.of(args[2]);
    PrefetchReport r = prefetcher(Path.of(args[0]), Path.of(args[1]))
        .run(ManifestReader.readAll(manifest, 10).requireValid(manifest.toString()).entries());
    System.exit(r.result().exitCode());
  }
}

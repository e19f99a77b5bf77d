package org.distvault.prefetch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.OutcomeJson;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Progress;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * A prefetch the server runs itself ({@code POST /api/v1/prefetch}, {@code distvault prefetch
 * --on-server}): sends the entries the server does not hold, reads the outcome of each as the
 * server streams it back, and returns the same {@link PrefetchReport} a run in the tool returns,
 * so reports, pbulk's failure list and exit codes are the same.
 *
 * <p>The server downloads, verifies and stores; nothing passes through this process. An answer
 * that breaks off, or that stays silent for longer than {@code silence} (the server sends a
 * heartbeat every few seconds), ends the run: the entries the server did not report fail with a
 * reason saying so, and the run records an error.
 */
public final class ServerSidePrefetch {
  private final AdminApi api;
  private final String setRoutes;
  private final Duration silence;
  private final Clock clock;

  /**
   * @param set the source set to fill, or empty for the default set
   * @param silence the longest the server's answer may stay silent
   */
  public ServerSidePrefetch(AdminApi api, Optional<String> set, Duration silence, Clock clock) {
    this.api = Objects.requireNonNull(api, "api");
    this.setRoutes = ServerClient.setRoutes(set);
    this.silence = Objects.requireNonNull(silence, "silence");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Runs the prefetch of {@code entries} on the server.
   *
   * @param held which entries the server said it holds (not sent); empty: send them all
   * @param work a directory for the request body
   * @throws SinkUnavailableException when the server refuses the run (offline, a sealed set, a
   *     run already going on, no outbound connections, a refused token)
   * @throws IOException when the request cannot be sent or the server refuses its body
   */
  public PrefetchReport run(List<ExpectedDistfile> entries, Optional<BitSet> held, int jobs, int perHost, Path work,
      Progress progress) throws IOException {
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    Outcome[] outcomes = new Outcome[entries.size()];
    List<Integer> sent = new ArrayList<>();
    long knownBytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (held.isPresent() && held.get().get(i)) {
        outcomes[i] = Outcome.present(entries.get(i));
      } else {
        sent.add(i);
        knownBytes += entries.get(i).size().orElse(0);
      }
    }
    List<String> errors = new ArrayList<>();
    if (!sent.isEmpty()) {
      progress.start(sent.size(), knownBytes);
      try {
        exchange(entries, sent, jobs, perHost, work, progress, outcomes, errors);
      } finally {
        progress.end();
      }
    }
    int unreported = 0;
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] == null) {
        unreported++;
        outcomes[i] = new Outcome(entries.get(i), Outcome.Status.FAILED,
            "the server did not report this distfile: its answer ended early (see the server's log)", 0,
            Duration.ZERO, null, null, List.of());
      }
    }
    if (unreported > 0 && errors.isEmpty()) {
      errors.add("the server's answer ended before " + unreported + " of " + sent.size() + " outcomes");
    }
    return new PrefetchReport(started, Duration.ofNanos(System.nanoTime() - startNanos), 0, List.of(outcomes),
        errors);
  }

  /** Sends the request and reads the answer into {@code outcomes} and {@code errors}. */
  private void exchange(List<ExpectedDistfile> entries, List<Integer> sent, int jobs, int perHost, Path work,
      Progress progress, Outcome[] outcomes, List<String> errors) throws IOException {
    Path body = work.resolve("server-prefetch.jsonl");
    try (ManifestWriter w = new ManifestWriter(Files.newOutputStream(body))) {
      for (int i : sent) {
        w.write(entries.get(i));
      }
    }
    String path = setRoutes + "prefetch?jobs=" + jobs + "&per-host=" + perHost;
    InputStream in;
    try {
      in = api.postForStream(path, "application/x-ndjson", body);
    } catch (AdminApiException e) {
      if (e.status() == 401 || e.status() == 403 || e.status() == 409) {
        throw new SinkUnavailableException(e.getMessage(), e);
      }
      throw e;
    } finally {
      Files.deleteIfExists(body);
    }
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "server-prefetch-watchdog");
      t.setDaemon(true);
      return t;
    });
    AtomicLong lastLine = new AtomicLong(System.nanoTime());
    AtomicBoolean silent = new AtomicBoolean();
    ScheduledFuture<?> watch = watchdog.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastLine.get() > silence.toNanos()) {
        silent.set(true);
        closeQuietly(in); // unblocks the read below
      }
    }, 1, 1, TimeUnit.SECONDS);
    long bytesSeen = 0;
    boolean done = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lastLine.set(System.nanoTime());
        JsonNode n = AdminApi.JSON.readTree(line);
        long downloaded = n.has("progress") ? n.path("progress").path("bytes").asLong(0) : n.path("downloaded").asLong(0);
        if (downloaded > bytesSeen) {
          progress.bytes(downloaded - bytesSeen);
          bytesSeen = downloaded;
        }
        if (n.has("outcome")) {
          int at = n.path("entry").asInt(-1);
          if (at < 0 || at >= sent.size()) {
            throw new IOException("POST /" + path + ": an outcome for entry " + n.path("entry") + " of " + sent.size());
          }
          int i = sent.get(at);
          try {
            outcomes[i] = OutcomeJson.readReport(n.get("outcome"), entries.get(i));
          } catch (IllegalArgumentException e) {
            throw new IOException("POST /" + path + ": " + e.getMessage(), e);
          }
          if (outcomes[i].status() != Outcome.Status.PRESENT) {
            progress.finished(outcomes[i]);
          }
        } else if (n.has("started")) {
          long count = n.path("started").path("entries").asLong(-1);
          if (count != sent.size()) {
            throw new IOException("POST /" + path + ": the server started a run of " + count + " entries, "
                + sent.size() + " were sent");
          }
        } else if (n.has("done")) {
          n.path("done").path("errors").forEach(e -> errors.add("server: " + e.asText()));
          done = true;
        }
      }
    } catch (IOException e) {
      if (!silent.get()) {
        errors.add("the server's answer broke off: " + e.getMessage());
        return;
      }
    } finally {
      watch.cancel(false);
      watchdog.shutdownNow();
    }
    if (silent.get()) {
      errors.add("the server sent nothing for " + silence.toSeconds() + " s: stopped waiting for it");
    } else if (!done) {
      errors.add("the server's answer ended without its last line");
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Only to unblock a read that is waiting for a silent server.
    }
  }
}

package org.distvault.prefetch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.distvault.prefetch.client.AdminApiException;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.pbulk.MarkResult;
import org.distvault.prefetch.pbulk.PbulkFailureMarker;
import org.distvault.prefetch.run.ConsoleProgress;
import org.distvault.prefetch.run.PrefetchConfig;
import org.distvault.prefetch.run.PrefetchPlan;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Prefetcher;
import org.distvault.prefetch.run.ReportWriter;
import org.distvault.prefetch.source.SourceProblem;
import org.distvault.prefetch.source.SourceResult;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distvault prefetch}: fills the cache before a bulk build. Builds the expected distfiles
 * from one input, uploads them as the server's manifest, downloads what the server does not hold
 * (verified, one download per content), delivers it, and reports per distfile and per package.
 */
@Command(
    name = "prefetch",
    mixinStandardHelpOptions = true,
    // The first line is the summary in the command list; picocli wraps each paragraph at words.
    description = {
        "Fills a running server with the distfiles a bulk build needs.",
        "The server must be online. Input: one of --manifest, --distinfo with --site, or --pkgsrc. The entries "
            + "are uploaded as the server's manifest (so offline violations name packages and carry failure "
            + "reasons); then every distfile the server does not hold is downloaded from its URLs in order, "
            + "verified against its size and digests, and uploaded, each content once.",
        "Progress and a summary go to stderr, the JSON report to --report (default stdout), pbulk's failure "
            + "list to --failures. With --pbulk-presolve and --pbulk-mark-failed, the presolve packages that "
            + "cannot be built offline are listed in pbulk's meta/error with a checksum.log saying why.",
        "Exit 0 when every distfile is in the cache, 1 when anything failed (distfiles, or packages the input "
            + "could not describe), 2 for bad usage or bad input."})
public final class PrefetchCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(PrefetchCommand.class);

  /** Failures named one by one on stderr; the report and --failures have them all. */
  static final int LISTED_FAILURES = 20;
  /** The server's bound on {@code --jobs} and {@code --per-host} of a run with {@code --on-server}. */
  static final int ON_SERVER_MAX_JOBS = 64;
  /** Plain progress lines when stderr is not a terminal: one per this interval. */
  static final Duration PLAIN_PROGRESS = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = "--manifest", paramLabel = "FILE.jsonl",
      description = "A JSON-lines manifest (as `distvault manifest` writes); refused whole if a line is malformed")
  Path manifest;

  @Mixin SourceOptions source;

  @Mixin PbulkOptions pbulk;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "8",
      description = "Downloads at once, in all (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--per-host", paramLabel = "N", defaultValue = "2",
      description = "Most downloads at once from one host; adapts below this on errors and 429/503 "
          + "(default: ${DEFAULT-VALUE})")
  int perHost;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write the JSON report here (default: stdout)")
  Path report;

  @Option(names = "--failures", paramLabel = "FILE",
      description = "Write pbulk's failure list here: PKGPATH<TAB>distfile<TAB>reason per line, distfile '-' for a "
          + "package the input could not describe; empty when nothing failed")
  Path failures;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Spool directory for downloads being verified (default: a temporary directory, removed after)")
  Path workDir;

  @Option(names = "--plan-only",
      description = "Stop after uploading the manifest and asking the server what it holds: print the plan "
          + "(JSON on stdout) and exit 0 without downloading")
  boolean planOnly;

  @Option(names = "--on-server",
      description = "Let the server download, verify and store the distfiles itself (it must have been started "
          + "with --upstream, the default): the bytes go from upstream straight into the store, not through this "
          + "machine. Same report and exit codes; http, https and ftp URLs only (import file:// sites without it); "
          + "--jobs and --per-host at most " + ON_SERVER_MAX_JOBS + "; one such run at a time per server")
  boolean onServer;

  @Option(names = "--set", paramLabel = "NAME",
      description = "Fill source set NAME (created by its first manifest; A-Z a-z 0-9 . _ -, at most 64): its "
          + "manifest, presence checks and outcomes go to /api/v1/sets/NAME/...; blobs are shared by every set. "
          + "Default: the set default, through the un-prefixed routes")
  String set;

  @Override
  public Integer call() throws CliException, InterruptedException {
    if (jobs < 1 || perHost < 1) {
      throw new CliException(ExitCode.USAGE, "--jobs and --per-host must be at least 1");
    }
    if (onServer && (jobs > ON_SERVER_MAX_JOBS || perHost > ON_SERVER_MAX_JOBS)) {
      throw new CliException(ExitCode.USAGE, "--jobs and --per-host must be at most " + ON_SERVER_MAX_JOBS
          + " with --on-server, got " + jobs + " and " + perHost);
    }
    EntryInput input = source.forPrefetch(manifest);
    input.checkExists();
    Optional<PbulkFailureMarker> marker = pbulk.marker(source.presolve, planOnly);
    if (report != null) {
      OutputFile.checkWritable("--report", report);
    }
    if (failures != null) {
      OutputFile.checkWritable("--failures", failures);
    }
    Optional<String> targetSet = targetSet();
    AdminCalls client = server.client();
    requireOnline(client);
    requireFilling(client, targetSet);
    // A manifest file is sent as it is: its upload (and the server's parse and upserts) runs
    // while this side parses it too. A malformed manifest is refused whole by the server as here.
    // An empty file is not sent (nor would its entries be): it would create a new --set.
    FutureTask<JsonNode> early = input instanceof EntryInput.ManifestFile m && nonEmpty(m.file())
        ? startUpload(client, m.file(), targetSet) : null;
    SourceResult loaded;
    try {
      loaded = input.load();
    } catch (CliException | RuntimeException e) {
      if (early != null) {
        early.cancel(true); // the server stores nothing of a manifest it refuses or does not get whole
      }
      throw e;
    }
    PrintWriter err = spec.commandLine().getErr();
    SourceProblems.print(loaded.problems(), err);
    try (WorkDir work = WorkDir.open(workDir)) {
      // What the server holds comes with its answer to the upload (?have=1); empty when it did not
      // say (an older server): the Prefetcher asks in have calls then.
      Optional<BitSet> held = Optional.empty();
      if (early != null) {
        JsonNode reply = awaitUpload(early);
        if (!loaded.entries().isEmpty()) {
          held = uploaded(reply, loaded.entries().size());
        }
      } else {
        held = uploadManifest(client, input, loaded.entries(), work.path(), targetSet);
      }
      Clock clock = Clock.systemUTC();
      PrefetchConfig config = PrefetchConfig.defaults(work.path())
          .withThrottle(ThrottleSettings.defaults().withJobs(jobs, perHost));
      Prefetcher prefetcher = new Prefetcher(config, SchemeFetcher.standard(FetchSettings.defaults(), clock),
          client.blobSink(targetSet), progress(err), clock);
      if (planOnly) {
        return plan(prefetcher, loaded, held);
      }
      PrefetchReport ran = onServer ? runOnServer(client, targetSet, loaded.entries(), held, work.path(), err)
          : run(prefetcher, loaded.entries(), held);
      PrefetchReport result = withInputErrors(ran, loaded);
      Optional<MarkResult> marks = Optional.empty();
      CliException markFailure = null;
      if (marker.isPresent()) {
        try {
          marks = Optional.of(marker.get().mark(loaded, result));
        } catch (IOException e) {
          markFailure = new CliException(ExitCode.USAGE, "--pbulk-mark-failed: " + e.getMessage()
              + ": pbulk's meta/error may lack packages that cannot be built offline; do not start the build", e);
        }
      }
      writeReport(result, marks);
      if (failures != null) {
        OutputFile.write("--failures", failures, out -> writeFailures(result, loaded, out));
      }
      summarize(result, ran.runErrors(), loaded.errors().size(), err);
      marks.ifPresent(m -> PbulkOptions.print(m, err));
      if (markFailure != null) {
        throw markFailure;
      }
      return result.result().exitCode();
    }
  }

  /** Fails before a long scan or upload when the server is sealed: it would refuse everything. */
  private void requireOnline(AdminCalls client) throws CliException {
    JsonNode mode = client.get("api/v1/mode");
    if ("offline".equals(mode.path("mode").asText())) {
      throw new CliException(ExitCode.FAILED, "the server at " + server.server + " is offline (sealed) and refuses "
          + "uploads: switch it online first (distvault mode online --server " + server.server + " --token-file "
          + server.tokenFile + ")");
    }
  }

  /** The {@code --set} given, validated (exit 2 naming the problem), or empty for the default set. */
  private Optional<String> targetSet() throws CliException {
    if (set == null) {
      return Optional.empty();
    }
    return Optional.of(SetNameArg.checkOption("--set", set));
  }

  /** Fails before a long scan when the set to fill is sealed: the server would refuse its uploads. */
  private void requireFilling(AdminCalls client, Optional<String> targetSet) throws CliException {
    if (targetSet.isEmpty()) {
      return;
    }
    JsonNode sets = client.get("api/v1/sets");
    for (JsonNode s : sets.path("sets")) {
      if (s.path("name").asText().equals(targetSet.get()) && "sealed".equals(s.path("state").asText())) {
        throw new CliException(ExitCode.FAILED, "set " + targetSet.get() + " is sealed on " + server.server
            + " and refuses uploads: unseal it first (distvault unseal " + targetSet.get() + " --server "
            + server.server + " --token-file " + server.tokenFile + ")");
      }
    }
  }

  /**
   * Sends the entries as the server's manifest: a {@code --manifest} file as it is, other inputs
   * written as JSON lines into the work directory first.
   *
   * @return which entries the server holds, when its answer says
   */
  private Optional<BitSet> uploadManifest(AdminCalls client, EntryInput input, List<ExpectedDistfile> entries,
      Path work, Optional<String> targetSet) throws CliException {
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    boolean asGiven = input instanceof EntryInput.ManifestFile;
    Path file = asGiven ? ((EntryInput.ManifestFile) input).file() : work.resolve("manifest-upload.jsonl");
    try {
      if (!asGiven) {
        writeManifest(entries, file);
      }
      return uploaded(postManifest(client, file, targetSet), entries.size());
    } finally {
      if (!asGiven) {
        deleteQuietly(file);
      }
    }
  }

  private static boolean nonEmpty(Path file) {
    try {
      return Files.size(file) > 0;
    } catch (IOException e) {
      return false; // reading it fails too, with the message of --manifest
    }
  }

  /** Starts the upload of manifest file {@code file} on a thread of its own. */
  private static FutureTask<JsonNode> startUpload(AdminCalls client, Path file, Optional<String> targetSet) {
    FutureTask<JsonNode> task = new FutureTask<>(() -> postManifest(client, file, targetSet));
    Thread t = new Thread(task, "manifest-upload");
    t.setDaemon(true);
    t.start();
    return task;
  }

  /**
   * {@code POST} of manifest file {@code file} to the target set's manifest route, asking which
   * entries the server holds ({@code ?have=1}): the server's reply.
   */
  private static JsonNode postManifest(AdminCalls client, Path file, Optional<String> targetSet)
      throws CliException {
    return client.post(ServerClient.manifestWithHave(targetSet), "application/x-ndjson", file);
  }

  /** The server's reply to an upload started by {@link #startUpload}, or the failure it had. */
  private static JsonNode awaitUpload(FutureTask<JsonNode> upload) throws CliException, InterruptedException {
    try {
      return upload.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CliException c) {
        throw c;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CliException(ExitCode.FAILED, "cannot upload the manifest: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      upload.cancel(true);
      throw e;
    }
  }

  /** Says how the upload of {@code entries} entries went; returns which the server holds, if it said. */
  private Optional<BitSet> uploaded(JsonNode reply, int entries) throws CliException {
    spec.commandLine().getErr().println("prefetch: manifest uploaded: " + reply.path("entries").asLong()
        + " entries (" + reply.path("created").asLong() + " new, " + reply.path("merged").asLong() + " merged)");
    try {
      return ServerClient.heldInManifestReply(reply, entries);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "cannot ask the server which distfiles it holds: " + e.getMessage(), e);
    }
  }

  private static void writeManifest(List<ExpectedDistfile> entries, Path file) throws CliException {
    try (ManifestWriter w = new ManifestWriter(Files.newOutputStream(file))) {
      for (ExpectedDistfile e : entries) {
        w.write(e);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "cannot write the manifest to upload into " + file + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // In the temporary work directory, which is removed after the run anyway.
      log.warn("cannot remove {}: {}", file, e.toString());
    }
  }

  /** Progress on this command's stderr: redrawn on a terminal, plain lines otherwise. */
  private static ConsoleProgress progress(PrintWriter err) {
    boolean tty = System.console() != null;
    PrintStream stream = new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8);
    return new ConsoleProgress(stream, tty ? ConsoleProgress.Style.TERMINAL : ConsoleProgress.Style.LINES,
        tty ? Duration.ofMillis(250) : PLAIN_PROGRESS, System::nanoTime);
  }

  private int plan(Prefetcher prefetcher, SourceResult loaded, Optional<BitSet> held) throws CliException {
    PrefetchPlan p;
    try {
      p = prefetcher.plan(loaded.entries(), held);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "cannot ask the server which distfiles it holds: " + e.getMessage(), e);
    }
    ObjectNode json = AdminCalls.JSON.createObjectNode()
        .put("entries", p.entries())
        .put("present", p.present())
        .put("toFetch", p.toFetch())
        .put("downloads", p.downloads())
        .put("knownBytes", p.knownBytes())
        .put("inputErrors", loaded.errors().size());
    PrintWriter out = spec.commandLine().getOut();
    out.println(json.toString());
    out.flush();
    spec.commandLine().getErr().println("prefetch: plan: " + p.entries() + " distfiles, " + p.present()
        + " already in the cache, " + p.toFetch() + " to fetch in " + p.downloads() + " downloads ("
        + megabytes(p.knownBytes()) + " known); nothing downloaded (--plan-only)");
    return ExitCode.OK;
  }

  private static PrefetchReport run(Prefetcher prefetcher, List<ExpectedDistfile> entries, Optional<BitSet> held)
      throws CliException, InterruptedException {
    try {
      return prefetcher.run(entries, held);
    } catch (SinkUnavailableException e) {
      throw new CliException(ExitCode.FAILED, "the server refuses the prefetch: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "prefetch failed: " + e.getMessage(), e);
    }
  }

  /** Has the server run the prefetch ({@code --on-server}); its refusals end the command as a run's do. */
  private PrefetchReport runOnServer(AdminCalls client, Optional<String> targetSet, List<ExpectedDistfile> entries,
      Optional<BitSet> held, Path work, PrintWriter err) throws CliException {
    try {
      return client.serverSide(targetSet, Duration.ofSeconds(server.timeoutSeconds))
          .run(entries, held, jobs, perHost, work, progress(err));
    } catch (SinkUnavailableException e) {
      throw new CliException(ExitCode.FAILED, "the server refuses the prefetch: " + e.getMessage(), e);
    } catch (AdminApiException e) {
      throw new CliException(e.status() == 400 ? ExitCode.USAGE : ExitCode.FAILED,
          "the server refuses the prefetch: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "prefetch on the server failed: " + e.getMessage(), e);
    }
  }

  /** The report with the input's errors (packages that could not be described) as run errors. */
  private static PrefetchReport withInputErrors(PrefetchReport r, SourceResult loaded) {
    List<String> errors = new ArrayList<>();
    for (SourceProblem p : loaded.errors()) {
      errors.add("input: " + p);
    }
    errors.addAll(r.runErrors());
    return new PrefetchReport(r.started(), r.elapsed(), r.cleanedSpoolFiles(), r.outcomes(), errors);
  }

  /** The report, with pbulk's marks as its {@code pbulk} field when there are any. */
  private void writeReport(PrefetchReport result, Optional<MarkResult> marks) throws CliException {
    ReportWriter.ExtraFields extra = g -> {
      if (marks.isPresent()) {
        marks.get().writeJson(g);
      }
    };
    if (report != null) {
      OutputFile.write("--report", report, out -> ReportWriter.writeJson(result, extra, out));
      return;
    }
    try (OutputStream out = new WriterOutputStream(spec.commandLine().getOut())) {
      ReportWriter.writeJson(result, extra, out);
    } catch (IOException e) {
      throw new CliException(ExitCode.FAILED, "cannot write the report to stdout: " + e, e);
    }
  }

  /** The input's errors first ({@code PKGPATH - reason}), then every failed distfile per package. */
  private static void writeFailures(PrefetchReport result, SourceResult loaded, OutputStream out) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    for (SourceProblem p : loaded.errors()) {
      w.write(SourceProblems.failureLine(p) + "\n");
    }
    ReportWriter.writeFailureList(result, w);
    w.flush();
  }

  /** Names the first failures and the run's own errors, then prints the summary line. */
  private static void summarize(PrefetchReport result, List<String> runErrors, int inputErrors, PrintWriter err) {
    List<Outcome> failed = result.failures();
    for (int i = 0; i < Math.min(LISTED_FAILURES, failed.size()); i++) {
      Outcome o = failed.get(i);
      err.println("failed: " + (o.entry().pkgpaths().isEmpty() ? "-" : String.join(",", o.entry().pkgpaths()))
          + " " + o.entry().name().value() + ": " + o.reason());
    }
    if (failed.size() > LISTED_FAILURES) {
      err.println("failed: ... and " + (failed.size() - LISTED_FAILURES) + " more (see the report)");
    }
    for (String e : runErrors) {
      err.println("error: " + e);
    }
    PrefetchReport.Summary s = result.summary();
    err.println(String.format(Locale.ROOT, "prefetch: %d distfiles: %d fetched, %d already in the cache, %d failed; "
            + "%s downloaded in %.1f s%s", s.entries(), s.ok(), s.present(), s.failed(), megabytes(s.bytes()),
        result.elapsed().toMillis() / 1000.0,
        inputErrors == 0 ? "" : "; " + inputErrors + " input error" + (inputErrors == 1 ? "" : "s") + " (see above)"));
    err.flush();
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}

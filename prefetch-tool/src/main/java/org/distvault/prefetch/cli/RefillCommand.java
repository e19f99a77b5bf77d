package org.distvault.prefetch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.distvault.prefetch.refill.RefillPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code distvault refill NAME}: closes the loop of a sealed build. Reads the set's violations since
 * its seal, fetches again (with {@code prefetch}'s downloader, politeness and report) the
 * catalogued distfiles the build lacked, and seals the set again.
 */
@Command(
    name = "refill",
    mixinStandardHelpOptions = true,
    description = {
        "Fetches what a sealed build lacked, then seals its set again.",
        "Reads the set's violations since its current seal: not-prefetched and ambiguous ones name catalogued "
            + "distfiles, which are fetched again from their manifest URLs; unknown and egress ones name what the "
            + "manifest itself lacks, listed per package (no refill can fetch them without a manifest entry).",
        "Then unseals the set (audited with the reason refill), runs prefetch --set NAME on exactly those "
            + "distfiles (same downloader, politeness and report), and seals it again, also when the prefetch "
            + "failed. Prints the old and the new seal, the distfiles added and those still missing with their "
            + "reason on stdout; --report writes all of it and the prefetch report as JSON.",
        "Exit 0 when every distfile fetched again is now present, 1 otherwise, 2 for a set that is not sealed "
            + "or bad usage."})
public final class RefillCommand implements Callable<Integer> {
  /** Names per entries request (the server's limit). */
  static final int ENTRY_CHUNK = 10_000;
  static final String REASON = "refill";

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "NAME", description = "The sealed set to refill")
  String name;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "8",
      description = "Downloads at once, in all (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--per-host", paramLabel = "N", defaultValue = "2",
      description = "Most downloads at once from one host (default: ${DEFAULT-VALUE})")
  int perHost;

  @Option(names = "--on-server",
      description = "Let the server download the distfiles itself, as prefetch --on-server does")
  boolean onServer;

  @Option(names = "--report", paramLabel = "FILE.json",
      description = "Write the refill's JSON report here: the seals, what was added, what is still missing and "
          + "why, what the manifest lacks, and the prefetch report")
  Path report;

  @Override
  public Integer call() throws CliException, IOException {
    SetNameArg.check(name);
    if (jobs < 1 || perHost < 1) {
      throw new CliException(ExitCode.USAGE, "--jobs and --per-host must be at least 1");
    }
    if (report != null) {
      OutputFile.checkWritable("--report", report);
    }
    AdminCalls client = server.client();
    JsonNode set = client.get("api/v1/sets/" + name);
    if (!set.path("state").asText().equals("sealed")) {
      throw new CliException(ExitCode.USAGE, "set " + name + " is " + set.path("state").asText()
          + ", not sealed: refill takes a sealed set (its violations since the seal say what to fetch)");
    }
    JsonNode oldSeal = set.path("seal");
    RefillPlan plan = RefillPlan.of(violations(client), instant(oldSeal.path("at")));
    PrintWriter err = spec.commandLine().getErr();
    err.println("refill " + name + ": " + plan.considered() + " violations since the seal of "
        + oldSeal.path("at").asText() + "; " + plan.retry().size() + " distfiles to fetch again");

    Entries entries = entries(client, plan);
    JsonNode prefetch = null;
    JsonNode newSeal;
    if (entries.lines().isEmpty()) {
      newSeal = oldSeal; // nothing to fetch: the set stays sealed as it is
    } else {
      changeState(client, "filling");
      try {
        prefetch = prefetch(entries.lines());
      } finally {
        newSeal = changeState(client, "sealed").path("seal");
      }
    }
    Result result = Result.of(plan, entries, prefetch);
    printSummary(oldSeal, newSeal, plan, result);
    if (report != null) {
      writeReport(oldSeal, newSeal, plan, result, prefetch);
    }
    return result.stillMissing().isEmpty() ? ExitCode.OK : ExitCode.FAILED;
  }

  /** Every violation of the set, oldest first (the plan keeps those since the seal). */
  private List<JsonNode> violations(AdminCalls client) throws CliException {
    List<JsonNode> out = new ArrayList<>();
    client.violations(0, "&set=" + name, out::add);
    return out;
  }

  /** The manifest lines of the names to fetch again, and the names the set no longer expects. */
  private record Entries(List<JsonNode> lines, List<String> unknown) {}

  private Entries entries(AdminCalls client, RefillPlan plan) throws CliException {
    List<JsonNode> lines = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    List<String> names = new ArrayList<>(plan.retry());
    for (int i = 0; i < names.size(); i += ENTRY_CHUNK) {
      ObjectNode request = AdminCalls.JSON.createObjectNode();
      ArrayNode chunk = request.putArray("names");
      names.subList(i, Math.min(names.size(), i + ENTRY_CHUNK)).forEach(chunk::add);
      JsonNode reply = client.send("POST", "api/v1/sets/" + name + "/entries", request.toString());
      reply.path("entries").forEach(lines::add);
      reply.path("unknown").forEach(n -> unknown.add(n.asText()));
    }
    return new Entries(lines, unknown);
  }

  private JsonNode changeState(AdminCalls client, String state) throws CliException {
    ObjectNode request = AdminCalls.JSON.createObjectNode().put("state", state).put("reason", REASON);
    try {
      return client.send("PUT", "api/v1/sets/" + name + "/state", request.toString());
    } catch (CliException e) {
      throw new CliException(ExitCode.FAILED, "cannot set set " + name + " " + state + ": " + e.getMessage()
          + (state.equals("sealed") ? "; it is left filling: run `distvault seal " + name + "`" : ""), e);
    }
  }

  /** Runs {@code prefetch --set NAME} over {@code lines}; returns its JSON report. */
  private JsonNode prefetch(List<JsonNode> lines) throws IOException {
    Path dir = Files.createTempDirectory("distvault-refill");
    try {
      Path manifest = dir.resolve("refill.jsonl");
      Path prefetchReport = dir.resolve("prefetch.json");
      StringBuilder text = new StringBuilder();
      lines.forEach(l -> text.append(l.toString()).append('\n'));
      Files.writeString(manifest, text, StandardCharsets.UTF_8);
      CommandLine prefetch = new CommandLine(new PrefetchCommand());
      prefetch.setOut(spec.commandLine().getOut());
      prefetch.setErr(spec.commandLine().getErr());
      prefetch.setExecutionExceptionHandler((e, cmd, parsed) -> {
        cmd.getErr().println("refill " + name + ": prefetch: " + e.getMessage());
        return e instanceof CliException c ? c.exitCode() : ExitCode.FAILED;
      });
      List<String> args = new ArrayList<>(List.of("--server", server.server, "--token-file",
          server.tokenFile.toString(), "--timeout", Long.toString(server.timeoutSeconds), "--manifest",
          manifest.toString(), "--set", name, "--jobs", Integer.toString(jobs), "--per-host", Integer.toString(perHost),
          "--report", prefetchReport.toString()));
      if (onServer) {
        args.add("--on-server");
      }
      int code = prefetch.execute(args.toArray(String[]::new));
      if (!Files.exists(prefetchReport)) {
        spec.commandLine().getErr().println("refill " + name + ": prefetch ended with exit " + code + " and no report");
        return null;
      }
      return AdminCalls.JSON.readTree(prefetchReport.toFile());
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Per distfile fetched again: present now, or still missing with the reason. */
  record Result(List<String> added, Map<String, String> stillMissing) {
    static Result of(RefillPlan plan, Entries entries, JsonNode prefetch) {
      Map<String, String> failed = new TreeMap<>();
      Map<String, Boolean> seen = new TreeMap<>();
      if (prefetch != null) {
        for (JsonNode o : prefetch.path("outcomes")) {
          String n = o.path("name").asText();
          seen.put(n, true);
          if (o.path("status").asText().equals("failed")) {
            failed.putIfAbsent(n, o.path("reason").asText("failed"));
          }
        }
      }
      List<String> added = new ArrayList<>();
      Map<String, String> missing = new TreeMap<>();
      for (String n : plan.retry()) {
        if (entries.unknown().contains(n)) {
          missing.put(n, "the set's manifest no longer lists it");
        } else if (failed.containsKey(n)) {
          missing.put(n, failed.get(n));
        } else if (!seen.containsKey(n)) {
          missing.put(n, prefetch == null ? "the prefetch did not run to its end (see its messages)"
              : "the prefetch reported no outcome for it");
        } else {
          added.add(n);
        }
      }
      return new Result(added, missing);
    }
  }

  private void printSummary(JsonNode oldSeal, JsonNode newSeal, RefillPlan plan, Result result) {
    PrintWriter out = spec.commandLine().getOut();
    out.println("set " + name + ": old seal " + seal(oldSeal));
    out.println("set " + name + ": new seal " + seal(newSeal));
    out.println("added: " + result.added().size());
    result.added().forEach(n -> out.println("  " + n));
    out.println("still missing: " + result.stillMissing().size());
    result.stillMissing().forEach((n, why) -> out.println("  " + n + ": " + why));
    int lacks = plan.lacking().values().stream().mapToInt(List::size).sum();
    out.println("not in the manifest (no entry to fetch it from): " + lacks);
    plan.lacking().forEach((pkg, list) -> list.forEach(l -> out.println("  " + pkg + "\t" + l.kind() + "\t"
        + l.what() + "\t" + l.count() + (l.count() == 1 ? " request" : " requests"))));
    out.flush();
  }

  private static String seal(JsonNode s) {
    return s.path("digest").asText() + " (" + s.path("entries").asLong() + " entries, " + s.path("at").asText() + ")";
  }

  private void writeReport(JsonNode oldSeal, JsonNode newSeal, RefillPlan plan, Result result, JsonNode prefetch)
      throws IOException {
    ObjectNode r = AdminCalls.JSON.createObjectNode();
    r.put("set", name);
    r.set("oldSeal", oldSeal);
    r.set("newSeal", newSeal);
    ArrayNode retried = r.putArray("retried");
    plan.retry().forEach(retried::add);
    ArrayNode added = r.putArray("added");
    result.added().forEach(added::add);
    ArrayNode missing = r.putArray("stillMissing");
    result.stillMissing().forEach((n, why) -> missing.addObject().put("name", n).put("reason", why));
    ArrayNode lacking = r.putArray("notInManifest");
    plan.lacking().forEach((pkg, list) -> list.forEach(l -> lacking.addObject().put("pkgpath", pkg)
        .put("kind", l.kind()).put("what", l.what()).put("reason", l.reason()).put("count", l.count())));
    r.set("prefetch", prefetch);
    AdminCalls.JSON.writerWithDefaultPrettyPrinter().writeValue(report.toFile(), r);
  }

  private static Instant instant(JsonNode at) throws CliException {
    try {
      return Instant.parse(at.asText());
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCode.FAILED, "the server's seal has no readable time: " + at, e);
    }
  }
}

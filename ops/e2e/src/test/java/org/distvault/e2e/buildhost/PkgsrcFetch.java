package org.distvault.e2e.buildhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distvault.e2e.Exec;

/**
 * The site loop of pkgsrc's {@code mk/fetch/fetch} (rev 1.23), re-enacted so that the fetch
 * command is invoked exactly as pkgsrc invokes it: in the distfile's directory, once per site,
 * as the unquoted, word-split shell expansion of
 * {@code ${FETCH_CMD} ${FETCH_BEFORE_ARGS} [${FETCH_RESUME_ARGS}] ${FETCH_OUTPUT_ARGS} FILE.PID.part URL [${FETCH_AFTER_ARGS}]}
 * (the after-args only without resume), moving on to the next site on a non-zero exit or a
 * wrong size, and renaming the temporary file on success. A site starting with {@code -} is a
 * full URL; any other gets the file name appended.
 *
 * @param prefix runs each attempt elsewhere, e.g. {@code ip netns exec NAME}; may be empty
 * @param fetchVariables the values of {@link MkConf#FETCH_VARIABLES}
 */
public record PkgsrcFetch(List<String> prefix, Map<String, String> fetchVariables) {
  /** One try of one site: the URL, the fetch command's exit status and its stderr. */
  public record Attempt(String url, int exit, String stderr) {}

  /** All tries, in order, and whether the file ended up in place. */
  public record Outcome(List<Attempt> attempts, boolean fetched) {
    public String stderr() {
      StringBuilder b = new StringBuilder();
      attempts.forEach(a -> b.append(a.stderr()));
      return b.toString();
    }
  }

  /**
   * Fetches FILE into DIR from SITES; with RESUME set, FILE's partial content in DIR is copied to
   * the temporary file first (as {@code -r} does), and its size is the one to reach.
   */
  public Outcome fetch(Path dir, String file, long size, List<String> sites, boolean resume)
      throws IOException, InterruptedException {
    Path path = dir.resolve(file);
    String tmpName = file + "." + ProcessHandle.current().pid() + ".part";
    Path tmp = dir.resolve(tmpName);
    List<Attempt> attempts = new ArrayList<>();
    for (String site : sites) {
      Files.deleteIfExists(tmp);
      if (resume) {
        if (Files.exists(path)) {
          Files.copy(path, tmp);
        } else {
          Files.createFile(tmp);
        }
      }
      String url = site.startsWith("-") ? site.substring(1) : site + file;
      String line = resume
          ? "fetch_cmd=\"$FETCH_CMD $FETCH_BEFORE_ARGS $FETCH_RESUME_ARGS $FETCH_OUTPUT_ARGS $1 $2\"; $fetch_cmd"
          : "fetch_cmd=\"$FETCH_CMD $FETCH_BEFORE_ARGS $FETCH_OUTPUT_ARGS $1 $2 $FETCH_AFTER_ARGS\"; $fetch_cmd";
      List<String> command = new ArrayList<>(prefix);
      command.addAll(List.of("/bin/sh", "-c", line, "fetch", tmpName, url));
      Exec exec = Exec.of(command).in(dir).timeout(Duration.ofSeconds(60));
      fetchVariables.forEach(exec::env);
      Exec.Result r = exec.run();
      attempts.add(new Attempt(url, r.exit(), r.stderr()));
      if (r.exit() == 0 && Files.exists(tmp) && Files.size(tmp) == size) {
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Outcome(attempts, true);
      }
    }
    Files.deleteIfExists(tmp);
    return new Outcome(attempts, false);
  }
}

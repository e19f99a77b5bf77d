package org.distvault.e2e.buildhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distvault.e2e.Exec;
import org.distvault.e2e.OpsPaths;

/**
 * The values a build host's bmake gives the variables of {@code ops/pkgsrc/mk.conf}, for one
 * PKGPATH and the operator's settings: the fragment is included by a makefile exactly as from a
 * real mk.conf, and the variables are printed fully expanded ({@code bmake -v}).
 */
public final class MkConf {
  /** The fetch variables pkgsrc's {@code mk/fetch/fetch} reads from its environment. */
  public static final List<String> FETCH_VARIABLES = List.of(
      "FETCH_CMD", "FETCH_BEFORE_ARGS", "FETCH_RESUME_ARGS", "FETCH_OUTPUT_ARGS", "FETCH_AFTER_ARGS");

  private MkConf() {}

  /**
   * Evaluates VARIABLES with PKGPATH and the SETTINGS (e.g. {@code DISTVAULT_SITE}) given on the
   * command line, as {@code pbulk} would pass them; scratch holds the small including makefile.
   */
  public static Map<String, String> evaluate(Path scratch, String pkgpath, Map<String, String> settings,
      List<String> variables) throws IOException, InterruptedException {
    Path makefile = scratch.resolve("mkconf-" + System.nanoTime() + ".mk");
    Files.writeString(makefile, "PKGPATH=\t" + pkgpath + "\n.include \""
        + OpsPaths.ops().resolve("pkgsrc/mk.conf") + "\"\nall:\n");
    List<String> command = new ArrayList<>(List.of("bmake", "-f", makefile.toString()));
    settings.forEach((k, v) -> command.add(k + "=" + v));
    for (String v : variables) {
      command.addAll(List.of("-v", v));
    }
    Exec.Result r = Exec.of(command).in(scratch).timeout(Duration.ofSeconds(30)).run().expect(0);
    String[] lines = r.stdout().split("\n", -1);
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < variables.size(); i++) {
      values.put(variables.get(i), lines[i]);
    }
    return values;
  }
}

package org.distvault.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation's links: every relative link of the checkout's Markdown files (README.md,
 * docs/, ops/bench/README.md, testdata/README.md and any other {@code *.md} outside build output)
 * names a file or directory that exists inside the checkout, and a {@code #fragment} into a
 * Markdown file names one of its headings. Web links ({@code http(s)://}, {@code mailto:}) are not
 * followed. Also: README.md stays a front door of at most 220 lines, and its test command is the
 * one CI runs.
 */
class DocsLinksTest {
  /** {@code [text](target)} or {@code ![alt](target)}; the target up to whitespace or ')'. */
  private static final Pattern LINK = Pattern.compile("\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final int README_MAX_LINES = 220;

  private final Path root = OpsPaths.ops().getParent().toAbsolutePath().normalize();

  @Test
  void everyRelativeLinkResolvesInsideTheCheckout() throws IOException {
    List<Path> docs = markdownFiles();
    for (String required : List.of("README.md", "docs/cli.md", "docs/http-api.md", "docs/operations.md",
        "docs/storage.md", "docs/metrics.md", "ops/bench/README.md", "testdata/README.md")) {
      assertTrue(docs.contains(root.resolve(required)), required + " is missing from " + root);
    }
    List<String> broken = new ArrayList<>();
    int checked = 0;
    Map<Path, Set<String>> anchors = new HashMap<>();
    for (Path doc : docs) {
      for (Link link : links(doc)) {
        String problem = check(doc, link, anchors);
        checked++;
        if (problem != null) {
          broken.add(root.relativize(doc) + ":" + link.line() + ": (" + link.target() + ") " + problem);
        }
      }
    }
    assertTrue(checked > 50, "only " + checked + " links found: is the link pattern broken?");
    assertTrue(broken.isEmpty(), broken.size() + " broken links:\n" + String.join("\n", broken));
  }

  @Test
  void readmeIsAFrontDoor() throws IOException {
    List<String> lines = Files.readAllLines(root.resolve("README.md"));
    assertTrue(lines.size() <= README_MAX_LINES,
        "README.md has " + lines.size() + " lines; at most " + README_MAX_LINES + ": move details to docs/");
  }

  @Test
  void readmeTestCommandIsWhatCiRuns() throws IOException {
    String readme = Files.readString(root.resolve("README.md"));
    assertTrue(readme.contains("```sh\nbash .ci/run\n```"), "README.md's test command is not `bash .ci/run`");
    List<String> ci = Files.readAllLines(root.resolve(".ci/run"));
    String last = ci.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .reduce((a, b) -> b).orElse("");
    assertEquals("mvn -B verify", last, ".ci/run must end by running the whole suite");
  }

  /** The checker itself: it must see the links it is meant to reject. */
  @Test
  void checkerRejectsBrokenAndEscapingLinks() throws IOException {
    Path doc = root.resolve("docs/cli.md");
    Map<Path, Set<String>> anchors = new HashMap<>();
    assertEquals(null, check(doc, new Link(1, "operations.md#modes-and-the-seal"), anchors));
    assertEquals(null, check(doc, new Link(1, "../ops/bin/distvault"), anchors));
    assertEquals(null, check(doc, new Link(1, "https://example.org/x"), anchors));
    assertEquals(null, check(doc, new Link(1, "#serve"), anchors));
    assertFalse(check(doc, new Link(1, "no-such-page.md"), anchors) == null);
    assertFalse(check(doc, new Link(1, "operations.md#no-such-heading"), anchors) == null);
    // A file that exists, reached by a relative link that climbs out of the checkout.
    String outside = doc.getParent().relativize(Path.of("/etc/passwd")).toString();
    assertFalse(check(doc, new Link(1, outside), anchors) == null, outside);
    assertFalse(check(doc, new Link(1, "/etc/passwd"), anchors) == null);
    assertFalse(check(doc, new Link(1, "file:///etc/passwd"), anchors) == null);
    List<Link> found = parse(List.of("a [x](one.md) b ![y](two.png \"t\") `[no](code.md)`",
        "```", "[no](fenced.md)", "```", "[z](<three.md>)"));
    assertEquals(List.of("one.md", "two.png", "three.md"), found.stream().map(Link::target).toList());
  }

  /** Null when the link is fine, else what is wrong with it. */
  private String check(Path doc, Link link, Map<Path, Set<String>> anchors) throws IOException {
    String target = link.target();
    if (target.isEmpty()) {
      return "empty link";
    }
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")) {
      return null;
    }
    if (target.startsWith("#")) {
      return null; // an anchor in the same page
    }
    if (SCHEME.matcher(target).find()) {
      return "not a relative link";
    }
    String fragment = null;
    int hash = target.indexOf('#');
    String pathPart = target;
    if (hash >= 0) {
      fragment = target.substring(hash + 1);
      pathPart = target.substring(0, hash);
    }
    int query = pathPart.indexOf('?');
    if (query >= 0) {
      pathPart = pathPart.substring(0, query);
    }
    if (pathPart.startsWith("/")) {
      return "absolute path: links must be relative to the page";
    }
    pathPart = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
    Path resolved = doc.getParent().resolve(pathPart).normalize();
    if (!resolved.startsWith(root)) {
      return "points outside the checkout (" + resolved + ")";
    }
    if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
      return "no such file in the checkout: " + root.relativize(resolved);
    }
    if (!resolved.toRealPath().startsWith(root.toRealPath())) {
      return "resolves (through a symbolic link) outside the checkout";
    }
    if (fragment != null && !fragment.isEmpty() && resolved.toString().endsWith(".md")) {
      Set<String> ids = anchors.computeIfAbsent(resolved, DocsLinksTest::headingAnchors);
      if (!ids.contains(fragment)) {
        return "no heading #" + fragment + " in " + root.relativize(resolved);
      }
    }
    return null;
  }

  private List<Path> markdownFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
          .filter(p -> {
            Path rel = root.relativize(p);
            for (Path part : rel) {
              String name = part.toString();
              if (name.equals("target") || name.equals(".git") || name.equals("node_modules") || name.equals("out")) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .toList();
    }
  }

  record Link(int line, String target) {}

  private static List<Link> links(Path doc) {
    return parse(readLines(doc));
  }

  /** The links of a Markdown text, outside fenced code blocks and inline code. */
  static List<Link> parse(List<String> lines) {
    List<Link> links = new ArrayList<>();
    String fence = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.stripLeading();
      if (fence == null && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
        fence = stripped.substring(0, 3);
        continue;
      }
      if (fence != null) {
        if (stripped.startsWith(fence)) {
          fence = null;
        }
        continue;
      }
      Matcher m = LINK.matcher(withoutCodeSpans(line));
      while (m.find()) {
        links.add(new Link(i + 1, m.group(1)));
      }
    }
    return links;
  }

  /** The line with the contents of its {@code `code spans`} blanked out. */
  private static String withoutCodeSpans(String line) {
    StringBuilder out = new StringBuilder(line.length());
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c != '`') {
        out.append(c);
        i++;
        continue;
      }
      int run = 0;
      while (i + run < line.length() && line.charAt(i + run) == '`') {
        run++;
      }
      String ticks = "`".repeat(run);
      int close = line.indexOf(ticks, i + run);
      if (close < 0) {
        out.append(ticks);
        i += run;
        continue;
      }
      out.append(" ".repeat(close + run - i));
      i = close + run;
    }
    return out.toString();
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
  private static Set<String> headingAnchors(Path doc) {
    Set<String> ids = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    String fence = null;
    for (String line : readLines(doc)) {
      String stripped = line.stripLeading();
      if (fence == null && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
        fence = stripped.substring(0, 3);
        continue;
      }
      if (fence != null) {
        if (stripped.startsWith(fence)) {
          fence = null;
        }
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String text = m.group(2).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
      String slug = text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      ids.add(n == 0 ? slug : slug + "-" + n);
    }
    return ids;
  }

  private static List<String> readLines(Path doc) {
    try {
      return Files.readAllLines(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.distvault.storage.distinfo;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;

/**
 * Gathers the parsed entry lines of one distinfo file by name, reports conflicting duplicates,
 * and at the end sorts each name into a distfile or a patch (rule in {@link DistinfoParser}).
 *
 * <p>Single use, not thread-safe.
 */
final class EntryCollector {
  private final String source;
  private final List<DistinfoProblem> problems;
  private final Map<String, Group> groups = new LinkedHashMap<>();

  EntryCollector(String source, List<DistinfoProblem> problems) {
    this.source = source;
    this.problems = problems;
  }

  /** Where a value was first seen, for conflict messages. */
  private record Seen<T>(T value, int line) {}

  /** Everything one file says about one name. */
  private static final class Group {
    final String name;
    final int firstLine;
    final String firstText;
    final EnumMap<DigestAlgorithm, Seen<Digest>> digests = new EnumMap<>(DigestAlgorithm.class);
    final Map<String, Seen<String>> others = new LinkedHashMap<>();
    Seen<Long> size;
    String sizeText;

    Group(String name, int firstLine, String firstText) {
      this.name = name;
      this.firstLine = firstLine;
      this.firstText = firstText;
    }

    boolean hasChecksumLine() {
      return !digests.isEmpty() || !others.isEmpty();
    }
  }

  /** Records one well-formed entry line (line number 1-based, text as read). */
  void add(int line, String text, EntryLine entry) {
    if (entry instanceof EntryLine.KnownDigest d) {
      Group g = group(d.name(), line, text);
      DigestAlgorithm alg = d.digest().algorithm();
      Seen<Digest> old = g.digests.putIfAbsent(alg, new Seen<>(d.digest(), line));
      if (old != null && !old.value().equals(d.digest())) {
        conflict(line, text, alg.distinfoName(), d.name(), old.line(), old.value().hex());
      }
    } else if (entry instanceof EntryLine.OtherDigest o) {
      Group g = group(o.name(), line, text);
      Seen<String> old = g.others.putIfAbsent(o.algorithm(), new Seen<>(o.value(), line));
      if (old != null && !old.value().equals(o.value())) {
        conflict(line, text, o.algorithm(), o.name(), old.line(), old.value());
      }
    } else if (entry instanceof EntryLine.Size s) {
      Group g = group(s.name(), line, text);
      if (g.size == null) {
        g.size = new Seen<>(s.bytes(), line);
        g.sizeText = text;
      } else if (g.size.value() != s.bytes()) {
        conflict(line, text, "Size", s.name(), g.size.line(), g.size.value().toString());
      }
    } else {
      throw new IllegalArgumentException("not a well-formed entry: " + entry);
    }
  }

  /** Classifies every name into {@code distfiles} or {@code patches}, in first-seen order. */
  void finish(List<DistfileEntry> distfiles, List<PatchEntry> patches) {
    for (Group g : groups.values()) {
      if (!g.hasChecksumLine()) {
        problems.add(
            DistinfoProblem.of(
                source,
                g.size.line(),
                g.sizeText,
                "Size for '" + g.name + "' but no checksum line: pkgsrc cannot verify it either"
                    + " (\"No checksum recorded\"), so it is not listed as a distfile"));
        continue;
      }
      Digests digests = Digests.of(g.digests.values().stream().map(Seen::value).toList());
      Map<String, String> others = new LinkedHashMap<>();
      g.others.forEach((alg, seen) -> others.put(alg, seen.value()));
      if (digests.isEmpty()) {
        problems.add(
            DistinfoProblem.of(
                source,
                g.firstLine,
                g.firstText,
                "no digest distvault can verify for '" + g.name + "' (only " + describe(others)
                    + ")"));
      }
      if (isPatch(g)) {
        patches.add(new PatchEntry(g.name, digests, others));
      } else {
        OptionalLong size = g.size == null ? OptionalLong.empty() : OptionalLong.of(g.size.value());
        distfiles.add(new DistfileEntry(DistfileName.of(g.name), digests, others, size));
      }
    }
  }

  /** A patch has no Size, no DIST_SUBDIR and a name pkgsrc would take as a patch. */
  private static boolean isPatch(Group g) {
    return g.size == null && g.name.indexOf('/') < 0 && PatchEntry.isPatchFileName(g.name);
  }

  private Group group(String name, int line, String text) {
    return groups.computeIfAbsent(name, n -> new Group(n, line, text));
  }

  private void conflict(
      int line, String text, String what, String name, int firstLine, String firstValue) {
    problems.add(
        DistinfoProblem.of(
            source,
            line,
            text,
            "conflicting " + what + " for '" + name + "': line " + firstLine + " says "
                + firstValue + "; keeping line " + firstLine + "'s"));
  }

  /** {@code MD5, SHA1=IGNORE}: the algorithms of unusable lines. */
  private static String describe(Map<String, String> others) {
    StringBuilder b = new StringBuilder();
    others.forEach(
        (alg, value) -> {
          b.append(b.length() == 0 ? "" : ", ").append(alg);
          if (value.equals(EntryLine.IGNORE)) {
            b.append("=IGNORE");
          }
        });
    return b.toString();
  }
}

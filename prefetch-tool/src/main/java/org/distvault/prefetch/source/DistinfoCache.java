package org.distvault.prefetch.source;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.distvault.storage.distinfo.DistfileEntry;
import org.distvault.storage.distinfo.Distinfo;
import org.distvault.storage.distinfo.DistinfoParser;
import org.distvault.storage.distinfo.DistinfoProblem;

/**
 * Distinfo files read at most once per scan, looked up by name.
 *
 * <p>Many packages share one distinfo file ({@code DISTINFO_FILE} pointing at another package),
 * and Go or Rust packages list thousands of entries, so each file is parsed once and indexed.
 * Its syntax problems are kept once per file, for {@link #problems()}.
 *
 * <p>Thread-safe.
 */
final class DistinfoCache {
  /** One file as read: its entries by name, or why it could not be read. */
  record Loaded(Path file, Map<String, DistfileEntry> byName, Optional<String> error) {
    Optional<DistfileEntry> entry(String name) {
      return Optional.ofNullable(byName.get(name));
    }
  }

  private final Map<Path, Loaded> files = new ConcurrentHashMap<>();
  private final Map<Path, List<DistinfoProblem>> problems = new ConcurrentHashMap<>();

  /** The file at this normalized absolute path, read now or earlier. */
  Loaded get(Path file) {
    return files.computeIfAbsent(file, this::load);
  }

  private Loaded load(Path file) {
    Distinfo d;
    try {
      d = DistinfoParser.parse(file);
    } catch (NoSuchFileException e) {
      return new Loaded(file, Map.of(), Optional.of("does not exist"));
    } catch (IOException e) {
      return new Loaded(file, Map.of(), Optional.of("cannot be read: " + e.getMessage()));
    }
    Map<String, DistfileEntry> byName = new HashMap<>();
    for (DistfileEntry e : d.distfiles()) {
      byName.put(e.name().value(), e);
    }
    if (!d.problems().isEmpty()) {
      problems.put(file, d.problems());
    }
    return new Loaded(file, byName, Optional.empty());
  }

  /** The syntax problems of every file read, by file path then line. */
  List<SourceProblem> problems() {
    List<SourceProblem> out = new ArrayList<>();
    new TreeMap<>(problems).forEach((file, list) -> {
      Optional<String> pkgpath = DistinfoSource.pkgpathOf(file);
      list.forEach(p -> out.add(SourceProblem.ofDistinfo(p, pkgpath)));
    });
    return out;
  }
}

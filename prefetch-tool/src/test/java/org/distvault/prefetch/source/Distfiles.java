package org.distvault.prefetch.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.DistfileName;

/** Test distfile contents, the distinfo lines that describe them, and the entries expected. */
final class Distfiles {
  private Distfiles() {}

  /** The content the fixture tree's distinfo files describe: {@code fixture distfile NAME\n}. */
  static byte[] fixtureContent(String name) {
    return ("fixture distfile " + name + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static Digests digests(byte[] content) {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512);
    d.update(content, 0, content.length);
    return d.finish();
  }

  /** The entry a distinfo line group for {@code content} gives, with these PKGPATHs and URLs. */
  static ExpectedDistfile entry(String name, byte[] content, Set<String> pkgpaths, List<String> urls) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(content.length), digests(content),
        pkgpaths, urls);
  }

  /** Writes a modern distinfo (BLAKE2s, SHA512, Size) for these names and contents, plus patches. */
  static Path writeDistinfo(Path file, Map<String, byte[]> distfiles, String... patches) throws IOException {
    List<String> lines = new ArrayList<>(List.of("$NetBSD$", ""));
    for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(distfiles).entrySet()) {
      Map<String, String> hex = new LinkedHashMap<>(digests(e.getValue()).toHexMap());
      lines.add("BLAKE2s (" + e.getKey() + ") = " + hex.get("blake2s"));
      lines.add("SHA512 (" + e.getKey() + ") = " + hex.get("sha512"));
      lines.add("Size (" + e.getKey() + ") = " + e.getValue().length + " bytes");
    }
    for (String p : patches) {
      lines.add("SHA1 (" + p + ") = " + "0".repeat(40));
    }
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }
}

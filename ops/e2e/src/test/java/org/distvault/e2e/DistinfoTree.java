package org.distvault.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Distfiles made for a test, with the pkgsrc {@code distinfo} files that describe them
 * ({@code TREE/<category>/<package>/distinfo}, SHA512 and Size lines) and, for those that upstream
 * has, a copy in the upstream site's directory ({@code SITE/[DIST_SUBDIR/]name}).
 */
public final class DistinfoTree {
  private final Path tree;
  private final Path site;
  private final Map<String, Map<String, byte[]>> byPackage = new TreeMap<>();
  private final Map<String, byte[]> content = new LinkedHashMap<>();

  /** Distinfo files go under TREE, upstream's copies under SITE. */
  public DistinfoTree(Path tree, Path site) {
    this.tree = tree;
    this.site = site;
  }

  /**
   * Adds a distfile of SIZE pseudo-random bytes (seeded by its name) for PKGPATH; NAME may
   * carry a DIST_SUBDIR. With UPSTREAM false, upstream lacks it (a 404 there).
   */
  public byte[] add(String pkgpath, String name, int size, boolean upstream) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    byPackage.computeIfAbsent(pkgpath, k -> new TreeMap<>()).put(name, bytes);
    content.put(name, bytes);
    if (upstream) {
      Path file = site.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    }
    writeDistinfo(pkgpath);
    return bytes;
  }

  /** The bytes made for NAME. */
  public byte[] bytes(String name) {
    return content.get(name).clone();
  }

  public Path tree() {
    return tree;
  }

  private void writeDistinfo(String pkgpath) throws IOException {
    StringBuilder b = new StringBuilder("$NetBSD$\n\n");
    for (Map.Entry<String, byte[]> e : byPackage.get(pkgpath).entrySet()) {
      b.append("SHA512 (").append(e.getKey()).append(") = ").append(sha512(e.getValue())).append('\n');
      b.append("Size (").append(e.getKey()).append(") = ").append(e.getValue().length).append(" bytes\n");
    }
    Path distinfo = tree.resolve(pkgpath).resolve("distinfo");
    Files.createDirectories(distinfo.getParent());
    Files.writeString(distinfo, b, UTF_8);
  }

  /** Lower-case hex SHA-512 of BYTES. */
  public static String sha512(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }
}

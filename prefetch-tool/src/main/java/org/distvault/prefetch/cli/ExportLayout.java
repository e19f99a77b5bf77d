package org.distvault.prefetch.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.DistfileName;

/**
 * The directory {@code distvault export} writes and {@code distvault import} reads:
 *
 * <pre>
 * DIR/[DIST_SUBDIR/]name                   every bound distfile, pkgsrc's DISTDIR layout
 * DIR/.distvault/manifest.jsonl            one manifest line per variant of the set, plus "sha512"
 *                                          (the blob it is bound to, null when unbound)
 * DIR/.distvault/seal.json                 {"set","digest","entries","at"}: the set's seal
 * DIR/.distvault/variants/&lt;sha512hex&gt;     each content of a name several contents are bound to
 * </pre>
 */
final class ExportLayout {
  static final String META = ".distvault";
  static final String MANIFEST = "manifest.jsonl";
  static final String SEAL = "seal.json";
  static final String VARIANTS = "variants";

  private ExportLayout() {}

  static Path meta(Path dir) {
    return dir.resolve(META);
  }

  static Path variant(Path dir, String sha512hex) {
    return dir.resolve(META).resolve(VARIANTS).resolve(sha512hex);
  }

  /**
   * Where distfile {@code name} goes in DISTDIR {@code dir}: {@code dir/name}, {@code name} being
   * {@code [DIST_SUBDIR/]file}.
   *
   * @throws IOException when the name is not a distfile name or would leave {@code dir} or land
   *     in {@code .distvault}
   */
  static Path distfile(Path dir, String name) throws IOException {
    String problem = DistfileName.problem(name);
    if (problem != null) {
      throw new IOException("invalid distfile name '" + name + "': " + problem);
    }
    Path base = dir.toAbsolutePath().normalize();
    Path p = base.resolve(name).normalize();
    if (!p.startsWith(base) || p.equals(base) || p.startsWith(base.resolve(META))) {
      throw new IOException("distfile name '" + name + "' does not name a file inside the export");
    }
    return p;
  }

  /** The digests of {@code algorithms} of the file, read once. */
  static Digests hash(Path file, java.util.Set<DigestAlgorithm> algorithms) throws IOException {
    MultiDigester d = MultiDigester.of(algorithms);
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
    }
    return d.finish();
  }

  /** An output stream that hashes (and counts) what passes through it. */
  static final class Hashing extends FilterOutputStream {
    final MultiDigester digester;

    Hashing(OutputStream out, java.util.Set<DigestAlgorithm> algorithms) {
      super(out);
      this.digester = MultiDigester.of(algorithms);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      digester.update(b, off, len);
      out.write(b, off, len);
    }
  }
}

package org.distvault.prefetch.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySinkTest {
  @TempDir Path dir;
  @TempDir Path spool;

  @Test
  void putWritesEveryNameAtomicallyAndHaveChecksContent() throws IOException {
    byte[] c = TestFiles.bytes(1, 3000);
    ExpectedDistfile a = TestFiles.entry("a-1.tgz", "cat/a", c);
    ExpectedDistfile b = TestFiles.entry("sub/dir/a-1.tgz", "cat/b", c);
    ExpectedDistfile other = TestFiles.entry("other.tgz", "cat/o", TestFiles.bytes(2, 3000));
    DirectorySink sink = new DirectorySink(dir);
    assertEquals(new BitSet(), sink.have(List.of(a, b, other)));

    Path f = Files.write(spool.resolve("spool-1.part"), c);
    sink.put(new VerifiedBlob(f, c.length, TestFiles.digests(c)), List.of(a, b));
    assertArrayEquals(c, Files.readAllBytes(dir.resolve("a-1.tgz")));
    assertArrayEquals(c, Files.readAllBytes(dir.resolve("sub/dir/a-1.tgz")));
    assertFalse(Files.exists(f), "the spool file was moved, not copied");
    try (Stream<Path> s = Files.walk(dir)) {
      assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".distvault-tmp")).count());
    }

    Files.write(dir.resolve("other.tgz"), TestFiles.bytes(3, 3000)); // right size, wrong content
    BitSet present = sink.have(List.of(a, b, other));
    BitSet expected = new BitSet();
    expected.set(0, 2);
    assertEquals(expected, present);
  }
}

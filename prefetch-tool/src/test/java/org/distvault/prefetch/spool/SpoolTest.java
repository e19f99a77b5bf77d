package org.distvault.prefetch.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path work;

  private long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void openRemovesLeftoversAndLocksTheWorkDir() throws IOException {
    Files.createDirectories(work.resolve("spool"));
    Files.write(work.resolve("spool/spool-7.part"), new byte[10]);
    Files.write(work.resolve("spool/spool-8.part"), new byte[10]);
    try (Spool s = Spool.open(work)) {
      assertEquals(2, s.cleanedAtOpen());
      assertEquals(0, count(s.directory()));
      IOException e = assertThrows(IOException.class, () -> Spool.open(work));
      assertEquals("work directory " + work + " is in use by another prefetch run", e.getMessage());
    }
    try (Spool again = Spool.open(work)) {
      assertEquals(0, again.cleanedAtOpen());
    }
  }

  @Test
  void verifiedFileCarriesEveryDigestPlusSha512() throws IOException {
    byte[] c = TestFiles.bytes(1, 100_000);
    try (Spool s = Spool.open(work); SpoolFile f = s.create(EnumSet.of(DigestAlgorithm.BLAKE2S))) {
      f.write(c, 0, 60_000);
      f.write(c, 60_000, 40_000);
      VerifiedBlob b = f.verify(OptionalLong.of(c.length), TestFiles.digests(c));
      assertEquals(TestFiles.digests(c), b.digests());
      assertEquals(c.length, b.size());
      assertArrayEquals(c, Files.readAllBytes(b.file()));
    }
    assertEquals(0, count(work.resolve("spool")), "closing removes the spool file");
  }

  @Test
  void digestMismatchNamesBothAndDeletesTheFile() throws IOException {
    byte[] c = TestFiles.bytes(1, 1000);
    byte[] other = TestFiles.bytes(2, 1000);
    try (Spool s = Spool.open(work); SpoolFile f = s.create(EnumSet.of(DigestAlgorithm.BLAKE2S))) {
      f.write(other, 0, other.length);
      SpoolMismatchException e = assertThrows(SpoolMismatchException.class,
          () -> f.verify(OptionalLong.of(1000), TestFiles.digests(c)));
      assertEquals("SHA512 mismatch: expected " + TestFiles.sha512(c) + ", got " + TestFiles.sha512(other),
          e.getMessage());
      assertFalse(Files.exists(f.path()));
    }
  }

  @Test
  void sizeMismatchIsCheckedFirst() throws IOException {
    try (Spool s = Spool.open(work); SpoolFile f = s.create(EnumSet.noneOf(DigestAlgorithm.class))) {
      f.write(new byte[5], 0, 5);
      SpoolMismatchException e = assertThrows(SpoolMismatchException.class,
          () -> f.verify(OptionalLong.of(6), Digests.empty()));
      assertEquals("size mismatch: expected 6 bytes, got 5", e.getMessage());
      assertTrue(e.actual().get(DigestAlgorithm.SHA512).isPresent());
    }
  }
}

package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kept blob files on real files: sharing, staleness, limits, failures and closing. */
class OpenBlobFilesTest {
  static final Instant STORED = Instant.parse("2026-11-23T06:00:00Z");

  @TempDir Path dir;
  final AtomicLong quarantined = new AtomicLong();

  @Test
  void aSmallBlobIsOpenedOnceAndSharedByItsRequests() throws IOException {
    ServableBlob blob = blob("a", bytes(1, 5000), STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      OpenBlobFiles.Lease first = files.open(blob);
      OpenBlobFiles.Lease second = files.open(blob);
      assertSame(first.channel(), second.channel());
      first.close();
      first.close(); // twice: still one reference
      assertTrue(second.channel().isOpen());
      assertArrayEquals(bytes(1, 5000), read(second.channel()));
      second.close();
      assertTrue(second.channel().isOpen(), "kept open for the next request");
      try (OpenBlobFiles.Lease third = files.open(blob)) {
        assertSame(second.channel(), third.channel());
      }
      assertEquals(1, files.keptCount());
    }
  }

  @Test
  void aLargeBlobIsOpenedPerRequestAndClosedWithItsLease() throws IOException {
    ServableBlob blob = blob("big", bytes(2, 20_000), STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      OpenBlobFiles.Lease a = files.open(blob);
      OpenBlobFiles.Lease b = files.open(blob);
      assertNotSame(a.channel(), b.channel());
      a.close();
      assertFalse(a.channel().isOpen());
      assertTrue(b.channel().isOpen());
      b.close();
      assertFalse(b.channel().isOpen());
      assertEquals(0, files.keptCount());
    }
  }

  @Test
  void aFileOfTheWrongSizeIsRefusedWithBothSizesAndNotKept() throws IOException {
    ServableBlob blob = blob("short", bytes(3, 100), STORED);
    ServableBlob claimed = new ServableBlob(blob.sha512(), 101, blob.file(), STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      IOException e = assertThrows(IOException.class, () -> files.open(claimed));
      assertEquals("stored blob " + blob.file() + " has 100 bytes, expected 101", e.getMessage());
      assertEquals(0, files.keptCount());
    }
  }

  @Test
  void aBlobStoredAgainAtAnotherTimeIsOpenedAfresh() throws IOException {
    byte[] content = bytes(4, 3000);
    ServableBlob old = blob("again", content, STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      OpenBlobFiles.Lease before = files.open(old);
      // Replaced by a new file (another inode) holding other bytes, recorded at a later time.
      Path replacement = dir.resolve("again.new");
      Files.write(replacement, bytes(5, 3000));
      Files.move(replacement, old.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      ServableBlob stored = new ServableBlob(old.sha512(), 3000, old.file(), STORED.plusSeconds(1));
      try (OpenBlobFiles.Lease after = files.open(stored)) {
        assertNotSame(before.channel(), after.channel());
        assertArrayEquals(bytes(5, 3000), read(after.channel()));
      }
      assertTrue(before.channel().isOpen(), "still in use by its request");
      assertArrayEquals(content, read(before.channel()));
      before.close();
      assertFalse(before.channel().isOpen(), "replaced and released: closed");
    }
  }

  @Test
  void anyQuarantineMakesEveryKeptFileStale() throws IOException {
    ServableBlob a = blob("qa", bytes(6, 1000), STORED);
    ServableBlob b = blob("qb", bytes(7, 1000), STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      FileChannel keptA;
      FileChannel keptB;
      try (OpenBlobFiles.Lease la = files.open(a); OpenBlobFiles.Lease lb = files.open(b)) {
        keptA = la.channel();
        keptB = lb.channel();
      }
      // Same storage time, same size, but the store moved a file away: nothing kept is trusted.
      Path moved = dir.resolve("qa.quarantined");
      Files.move(a.file(), moved);
      Files.write(a.file(), bytes(8, 1000));
      quarantined.incrementAndGet();
      try (OpenBlobFiles.Lease la = files.open(a); OpenBlobFiles.Lease lb = files.open(b)) {
        assertNotSame(keptA, la.channel());
        assertNotSame(keptB, lb.channel());
        assertArrayEquals(bytes(8, 1000), read(la.channel()));
        assertArrayEquals(bytes(7, 1000), read(lb.channel()));
      }
      assertFalse(keptA.isOpen());
      assertFalse(keptB.isOpen());
      assertEquals(2, files.keptCount());
    }
  }

  @Test
  void aChannelClosedUnderTheCacheIsReopened() throws IOException {
    ServableBlob blob = blob("intr", bytes(9, 2000), STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      FileChannel first;
      try (OpenBlobFiles.Lease lease = files.open(blob)) {
        first = lease.channel();
        // What an interrupt during a read does to a FileChannel, for every user.
        first.close();
      }
      try (OpenBlobFiles.Lease lease = files.open(blob)) {
        assertNotSame(first, lease.channel());
        assertArrayEquals(bytes(9, 2000), read(lease.channel()));
      }
    }
  }

  @Test
  void aDiscardedLeaseStopsKeepingItsFile() throws IOException {
    ServableBlob blob = blob("disc", bytes(10, 2000), STORED);
    try (OpenBlobFiles files = files(4, 10_000)) {
      OpenBlobFiles.Lease failed = files.open(blob);
      OpenBlobFiles.Lease other = files.open(blob);
      failed.discard();
      assertEquals(0, files.keptCount());
      assertTrue(other.channel().isOpen(), "another request still reads it");
      try (OpenBlobFiles.Lease next = files.open(blob)) {
        assertNotSame(failed.channel(), next.channel());
      }
      other.close();
      assertFalse(other.channel().isOpen());
    }
  }

  @Test
  void beyondTheLimitKeptFilesAreClosedOnceUnused() throws IOException {
    try (OpenBlobFiles files = files(3, 10_000)) {
      List<FileChannel> channels = new ArrayList<>();
      OpenBlobFiles.Lease held = files.open(blob("f0", bytes(20, 100), STORED));
      channels.add(held.channel());
      for (int i = 1; i < 8; i++) {
        try (OpenBlobFiles.Lease lease = files.open(blob("f" + i, bytes(20 + i, 100), STORED))) {
          channels.add(lease.channel());
          assertArrayEquals(bytes(20 + i, 100), read(lease.channel()));
        }
        assertTrue(files.keptCount() <= 3, "kept " + files.keptCount());
      }
      assertTrue(held.channel().isOpen(), "in use: not closed even if evicted");
      held.close();
      long open = channels.stream().filter(FileChannel::isOpen).count();
      assertEquals(files.keptCount(), open);
    }
  }

  @Test
  void closingClosesEveryKeptFileOnceItsRequestsAreDoneAndKeepsNoMore() throws IOException {
    ServableBlob a = blob("ca", bytes(30, 100), STORED);
    ServableBlob b = blob("cb", bytes(31, 100), STORED);
    OpenBlobFiles files = files(4, 10_000);
    OpenBlobFiles.Lease inFlight = files.open(a);
    FileChannel keptB;
    try (OpenBlobFiles.Lease lb = files.open(b)) {
      keptB = lb.channel();
    }
    files.close();
    assertFalse(keptB.isOpen());
    assertTrue(inFlight.channel().isOpen());
    assertArrayEquals(bytes(30, 100), read(inFlight.channel()));
    inFlight.close();
    assertFalse(inFlight.channel().isOpen());
    OpenBlobFiles.Lease late = files.open(a);
    assertEquals(0, files.keptCount());
    late.close();
    assertFalse(late.channel().isOpen());
  }

  @Test
  void concurrentRequestsReadTheRightBytesAndLeaveNoFileOpen() throws Exception {
    int blobs = 12;
    List<ServableBlob> all = new ArrayList<>();
    for (int i = 0; i < blobs; i++) {
      all.add(blob("c" + i, bytes(40 + i, 1000 + 97 * i), STORED));
    }
    Set<FileChannel> seen = Collections.synchronizedSet(Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    OpenBlobFiles files = files(5, 10_000); // fewer than the blobs: evictions while in use
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          Random random = new Random(seed);
          int checked = 0;
          for (int n = 0; n < 400; n++) {
            int i = random.nextInt(blobs);
            OpenBlobFiles.Lease lease = files.open(all.get(i));
            seen.add(lease.channel());
            assertArrayEquals(bytes(40 + i, 1000 + 97 * i), read(lease.channel()));
            if (random.nextInt(20) == 0) {
              lease.discard();
            } else {
              lease.close();
            }
            checked++;
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(8 * 400, total);
    } finally {
      pool.shutdownNow();
      files.close();
    }
    Set<FileChannel> leaked = new HashSet<>();
    for (FileChannel c : seen) {
      if (c.isOpen()) {
        leaked.add(c);
      }
    }
    assertEquals(Set.of(), leaked);
    assertTrue(seen.size() >= blobs, "opened " + seen.size());
  }

  private OpenBlobFiles files(int maxOpen, long maxBytes) {
    return new OpenBlobFiles(maxOpen, maxBytes, quarantined::get);
  }

  private ServableBlob blob(String name, byte[] content, Instant storedAt) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, content);
    Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, "ab".repeat(64));
    return new ServableBlob(sha512, content.length, file, storedAt);
  }

  private static byte[] read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        break;
      }
    }
    return buffer.array();
  }

  private static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}

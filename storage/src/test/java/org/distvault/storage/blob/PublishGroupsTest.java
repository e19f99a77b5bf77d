package org.distvault.storage.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PublishGroups} with real files, real renames and real directory fsyncs (recorded as they
 * complete): uploads that queue while a group runs are published by one leader, with one fsync per
 * distinct bucket, and a failure stays with the blobs it concerns.
 */
class PublishGroupsTest {
  @TempDir Path data;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Path> synced = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch firstPlaced = new CountDownLatch(1);
  private final CountDownLatch releaseFirst = new CountDownLatch(1);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void publishesQueuedWhileAGroupRunsShareOneFsyncPerBucket() throws Exception {
    Path root = data.resolve("blobs");
    PublishGroups groups = groups(root, null);
    List<Future<StoredBlob>> next = secondGroup(groups, List.of(
        () -> publish(groups, 1, "bb"), () -> publish(groups, 2, "bb"),
        () -> publish(groups, 3, "cc")));
    for (int i = 0; i < 3; i++) {
      assertStored(next.get(i).get(10, TimeUnit.SECONDS), i + 1);
    }
    assertEquals(2, groups.groups());
    // Each bucket once (bb for two blobs), and the root after each new bucket; the second
    // group's buckets in the order their publishers queued.
    assertEquals(List.of(root.resolve("aa"), root), synced.subList(0, 2));
    List<Path> second = new ArrayList<>(synced.subList(2, synced.size()));
    assertTrue(second.equals(List.of(root.resolve("bb"), root, root.resolve("cc"), root))
        || second.equals(List.of(root.resolve("cc"), root, root.resolve("bb"), root)),
        second.toString());
    assertEquals(3, groups.bucketSyncs());
  }

  @Test
  void aFailedBucketFsyncFailsOnlyTheBlobsOfThatBucket() throws Exception {
    Path root = data.resolve("blobs");
    PublishGroups groups = groups(root, root.resolve("cc"));
    List<Future<StoredBlob>> next = secondGroup(groups, List.of(
        () -> publish(groups, 1, "bb"), () -> publish(groups, 2, "cc")));
    assertStored(next.get(0).get(10, TimeUnit.SECONDS), 1);
    Throwable e = failure(next.get(1));
    assertEquals("fsync of " + root.resolve("cc") + " failed (test)", e.getMessage());
  }

  @Test
  void aFailedPlacementFailsThatBlobAlone() throws Exception {
    Path root = data.resolve("blobs");
    PublishGroups groups = groups(root, null);
    // No temp file behind the second one: its rename fails.
    List<Future<StoredBlob>> next = secondGroup(groups, List.of(
        () -> publish(groups, 1, "bb"),
        () -> groups.publish(data.resolve("tmp/none"), 1, digests(9))));
    assertStored(next.get(0).get(10, TimeUnit.SECONDS), 1);
    Throwable e = failure(next.get(1));
    assertTrue(e instanceof NoSuchFileException, e.toString());
    assertEquals(List.of(root.resolve("aa"), root, root.resolve("bb"), root), synced);
  }

  /**
   * Publishes blob 0 into bucket {@code aa} and holds that group inside its placement while
   * {@code publishes} queue behind it, then lets both groups run; checks blob 0 and returns the
   * others' results.
   */
  private List<Future<StoredBlob>> secondGroup(
      PublishGroups groups, List<Callable<StoredBlob>> publishes) throws Exception {
    Future<StoredBlob> first = threads.submit(() -> publish(groups, 0, "aa"));
    assertTrue(firstPlaced.await(10, TimeUnit.SECONDS));
    List<Future<StoredBlob>> next = new ArrayList<>();
    for (Callable<StoredBlob> p : publishes) {
      next.add(threads.submit(p));
    }
    for (int i = 0; i < 1000 && groups.queued() < publishes.size(); i++) {
      Thread.sleep(10);
    }
    assertEquals(publishes.size(), groups.queued());
    releaseFirst.countDown();
    assertStored(first.get(10, TimeUnit.SECONDS), 0);
    return next;
  }

  private static Throwable failure(Future<StoredBlob> f) {
    return assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
  }

  /** Groups that rename into {@code root/<bucket>/<hex>}, the first placement held by a latch. */
  private PublishGroups groups(Path root, Path failing) throws IOException {
    Files.createDirectories(root);
    Files.createDirectories(data.resolve("tmp"));
    DurableDirs dirs = new DurableDirs(root, dir -> {
      if (dir.equals(failing)) {
        throw new IOException("fsync of " + dir + " failed (test)");
      }
      Fsync.directory(dir);
      synced.add(dir);
    });
    return new PublishGroups((temp, size, digests) -> {
      Digest sha512 = digests.get(DigestAlgorithm.SHA512).orElseThrow();
      Path bucket = root.resolve(temp.getFileName().toString().substring(0, 2));
      Path target = bucket.resolve(sha512.hex());
      Files.createDirectories(bucket);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      if (firstPlaced.getCount() > 0) {
        firstPlaced.countDown();
        try {
          assertTrue(releaseFirst.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      return new PublishGroups.Placed(new StoredBlob(sha512, size, digests, target), bucket);
    }, dirs);
  }

  /** Writes content {@code seed} to a temp file named for {@code bucket} and publishes it. */
  private StoredBlob publish(PublishGroups groups, int seed, String bucket) throws IOException {
    byte[] content = TestContent.bytes(seed, 100 + seed);
    Path temp = data.resolve("tmp/" + bucket + "-" + seed);
    Files.write(temp, content);
    return groups.publish(temp, content.length, digests(seed));
  }

  private static Digests digests(int seed) {
    return Digests.of(List.of(
        TestContent.digest(DigestAlgorithm.SHA512, TestContent.bytes(seed, 100 + seed))));
  }

  private static void assertStored(StoredBlob blob, int seed) throws IOException {
    assertArrayEquals(TestContent.bytes(seed, 100 + seed), Files.readAllBytes(blob.path()));
    assertEquals(TestContent.digest(DigestAlgorithm.SHA512, TestContent.bytes(seed, 100 + seed)),
        blob.sha512());
  }
}

package org.distvault.prefetch.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final byte[] A = TestFiles.bytes(1, 100);
  private static final byte[] B = TestFiles.bytes(2, 100);

  private static ExpectedDistfile e(String name, OptionalLong size, Digests d, String... urls) {
    return new ExpectedDistfile(DistfileName.of(name), size, d, Set.of(), List.of(urls));
  }

  @Test
  void sameStrongestDigestIsOneDownloadWithEveryUrlInOrder() {
    Digests a = TestFiles.digests(A);
    List<DownloadJob> jobs = Planner.plan(List.of(
        e("a.tgz", OptionalLong.of(100), a, "http://x/a.tgz"),
        e("b.tgz", OptionalLong.of(100), TestFiles.digests(B), "http://x/b.tgz"),
        e("sub/a.tgz", OptionalLong.empty(), a, "http://y/a.tgz", "http://x/a.tgz")));
    assertEquals(2, jobs.size());
    assertEquals(List.of(0, 2), jobs.get(0).positions());
    assertEquals(List.of("http://x/a.tgz", "http://y/a.tgz"), jobs.get(0).urls());
    assertEquals(OptionalLong.of(100), jobs.get(0).size());
    assertEquals(List.of(1), jobs.get(1).positions());
  }

  @Test
  void onlySha512ListedStillMatchesAnEntryWithMoreDigests() {
    Digests full = TestFiles.digests(A);
    Digests sha512Only = Digests.of(List.of(full.get(DigestAlgorithm.SHA512).orElseThrow()));
    List<DownloadJob> jobs = Planner.plan(List.of(
        e("old.tgz", OptionalLong.of(100), sha512Only, "http://x/old.tgz"),
        e("new.tgz", OptionalLong.of(100), full, "http://x/new.tgz")));
    assertEquals(1, jobs.size());
    assertEquals(full, jobs.get(0).expected(), "the job verifies every digest any entry lists");
  }

  @Test
  void contradictingSizeOrDigestIsItsOwnDownload() {
    Digests a = TestFiles.digests(A);
    Digests sameSha512OtherBlake = Digests.fromHex(Map.of(
        "sha512", a.get(DigestAlgorithm.SHA512).orElseThrow().hex(),
        "blake2s", TestFiles.digests(B).get(DigestAlgorithm.BLAKE2S).orElseThrow().hex()));
    List<DownloadJob> jobs = Planner.plan(List.of(
        e("a.tgz", OptionalLong.of(100), a),
        e("a-size.tgz", OptionalLong.of(101), a),
        e("a-blake.tgz", OptionalLong.of(100), sameSha512OtherBlake)));
    assertEquals(3, jobs.size());
  }

  @Test
  void entriesWithoutDigestsMergeOnlyByName() {
    List<DownloadJob> jobs = Planner.plan(List.of(
        e("x.tgz", OptionalLong.of(5), Digests.empty()),
        e("y.tgz", OptionalLong.of(5), Digests.empty()),
        e("x.tgz", OptionalLong.of(5), Digests.empty())));
    assertEquals(2, jobs.size());
    assertEquals(List.of(0, 2), jobs.get(0).positions());
  }

  @Test
  void aLaterEntryJoinsTheFirstGroupOfItsIdentityItAgreesWith() {
    Digests a = TestFiles.digests(A);
    List<DownloadJob> jobs = Planner.plan(List.of(
        e("a.tgz", OptionalLong.of(100), a, "http://x/a.tgz"),
        e("a-big.tgz", OptionalLong.of(101), a, "http://x/a-big.tgz"),
        e("a-big2.tgz", OptionalLong.of(101), a, "http://y/a-big.tgz"),
        e("a-any.tgz", OptionalLong.empty(), a, "http://z/a.tgz")));
    assertEquals(2, jobs.size());
    assertEquals(List.of(0, 3), jobs.get(0).positions());
    assertEquals(List.of("http://x/a.tgz", "http://z/a.tgz"), jobs.get(0).urls());
    assertEquals(List.of(1, 2), jobs.get(1).positions());
    assertEquals(OptionalLong.of(101), jobs.get(1).size());
    assertEquals(List.of("http://x/a-big.tgz", "http://y/a-big.tgz"), jobs.get(1).urls());
    assertEquals(a, jobs.get(1).expected());
  }
}

package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;

class EntryMergerTest {
  private static final String SHA1_A = "a".repeat(40);
  private static final String SHA1_B = "b".repeat(40);
  private static final String SHA512_A = "a".repeat(128);
  private static final String B2_A = "c".repeat(64);

  private static ExpectedDistfile e(String name, long size, Map<String, String> digests, String pkgpath,
      String... urls) {
    return new ExpectedDistfile(DistfileName.of(name), size < 0 ? OptionalLong.empty() : OptionalLong.of(size),
        Digests.fromHex(digests), Set.of(pkgpath), List.of(urls));
  }

  @Test
  void sameContentMergesPkgpathsDigestsAndUrls() {
    EntryMerger m = new EntryMerger();
    m.add(e("f.tgz", 10, Map.of("SHA1", SHA1_A, "SHA512", SHA512_A), "b/two", "http://x/f.tgz"));
    m.add(e("f.tgz", -1, Map.of("SHA512", SHA512_A, "BLAKE2s", B2_A), "a/one", "http://y/f.tgz", "http://x/f.tgz"));
    ExpectedDistfile merged = new ExpectedDistfile(DistfileName.of("f.tgz"), OptionalLong.of(10),
        Digests.fromHex(Map.of("SHA1", SHA1_A, "SHA512", SHA512_A, "BLAKE2s", B2_A)), Set.of("a/one", "b/two"),
        List.of("http://x/f.tgz", "http://y/f.tgz"));
    assertEquals(List.of(merged), m.entries());
  }

  @Test
  void mirrorUrlsComeAfterEveryPackagesOwnUrls() {
    EntryMerger m = new EntryMerger();
    m.add(e("f.tgz", 10, Map.of("SHA1", SHA1_A), "a/one", "http://up1/f.tgz"), List.of("http://mirror/f.tgz"));
    m.add(e("f.tgz", 10, Map.of("SHA1", SHA1_A), "b/two", "http://up2/f.tgz", "http://mirror/f.tgz"),
        List.of("http://mirror2/f.tgz"));
    assertEquals(List.of("http://up1/f.tgz", "http://up2/f.tgz", "http://mirror/f.tgz", "http://mirror2/f.tgz"),
        m.entries().get(0).urls());
  }

  @Test
  void differentDigestOrSizeOrNoCommonAlgorithmStaysApart() {
    EntryMerger m = new EntryMerger();
    m.add(e("v2.1.0.tar.gz", 10, Map.of("SHA1", SHA1_A), "wip/pheanstalk"));
    m.add(e("v2.1.0.tar.gz", 10, Map.of("SHA1", SHA1_B), "wip/boron"));
    m.add(e("v2.1.0.tar.gz", 11, Map.of("SHA1", SHA1_A), "wip/size"));
    m.add(e("v2.1.0.tar.gz", 10, Map.of("BLAKE2s", B2_A), "wip/newer"));
    m.add(e("other.tgz", 1, Map.of("SHA1", SHA1_A), "wip/other"));
    m.add(e("v2.1.0.tar.gz", 10, Map.of("SHA1", SHA1_B), "wip/boron2"));
    List<ExpectedDistfile> out = m.entries();
    assertEquals(List.of("v2.1.0.tar.gz", "v2.1.0.tar.gz", "v2.1.0.tar.gz", "v2.1.0.tar.gz", "other.tgz"),
        out.stream().map(x -> x.name().value()).toList());
    assertEquals(List.of(Set.of("wip/pheanstalk"), Set.of("wip/boron", "wip/boron2"), Set.of("wip/size"),
        Set.of("wip/newer"), Set.of("wip/other")), out.stream().map(ExpectedDistfile::pkgpaths).toList());
  }
}

package org.distvault.prefetch.manifest;

import java.util.Map;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * Finds the manifest lines that contradict an earlier line: the same name and a shared PKGPATH,
 * and a different size (both known) or a different digest of one algorithm. The catalog would
 * let the later line win for that PKGPATH; but two lines disagreeing about one package's file
 * mean the manifest's sources disagree, and which one is right nobody here can tell, so the
 * line is refused instead.
 *
 * <p>Not conflicts: the same line repeated; lines whose facts do not contradict each other
 * (one lists a size or a digest the other leaves out, or they list different algorithms and
 * share none, as an old and a new distinfo do); different contents of one name for different
 * PKGPATHs (variants, as when two packages expect different files of one name); lines without
 * PKGPATHs, which claim no package.
 *
 * <p>Memory: one small record per distinct (name, PKGPATH) and what it was said to be; repeated
 * identical claims are kept once. A claim keeps the entry's own name, PKGPATH and digests
 * objects rather than copies: where the entries are kept anyway (the tool, a server keeping a
 * manifest for its upserts) a pair costs some 60 bytes (the claim and its table slot); where they
 * are not, the claim keeps those objects alive, some 350 bytes per pair for lines with a SHA512
 * and a BLAKE2s (311 were measured with the digests copied), so 200,000 lines of one PKGPATH each
 * take some 70 MB; a whole pkgsrc tree (25,000 distfiles) a tenth of that. Past {@value #MAX_PAIRS} pairs the manifest is refused rather than the heap run
 * out (which would stop the server): one line says so, and the pairs after it are not
 * remembered. Not thread-safe.
 */
public final class ConflictCheck {
  /** Distinct (name, PKGPATH) pairs remembered at most: some 20 times a pkgsrc tree's, 175 MB. */
  public static final int MAX_PAIRS = 500_000;

  /**
   * What one line said about (name, PKGPATH); several non-contradicting ones chain. The first of a
   * pair is the pair's slot in {@link #table}. It keeps the entry's own strings and digests (no
   * copies): a manifest's entries are kept anyway while it is read.
   */
  private static final class Claim {
    final String pkgpath;
    final String name;
    final long line;
    final long size; // -1: not given
    final Digests digests;
    Claim next;

    Claim(String pkgpath, String name, long line, long size, Digests digests) {
      this.pkgpath = pkgpath;
      this.name = name;
      this.line = line;
      this.size = size;
      this.digests = digests;
    }

    /** Why a line saying {@code otherSize} and {@code otherDigests} contradicts this claim, or null. */
    String contradiction(long otherSize, Digests otherDigests) {
      if (size >= 0 && otherSize >= 0 && size != otherSize) {
        return "size " + otherSize + " differs from " + size;
      }
      Map<DigestAlgorithm, Digest> mine = digests.asMap();
      for (Map.Entry<DigestAlgorithm, Digest> theirs : otherDigests.asMap().entrySet()) {
        Digest d = mine.get(theirs.getKey());
        if (d != null && !d.equals(theirs.getValue())) {
          return theirs.getKey().distinfoName() + " differs";
        }
      }
      return null;
    }

    boolean sameFacts(long otherSize, Digests otherDigests) {
      return size == otherSize && digests.equals(otherDigests);
    }
  }

  /**
   * The first claim of each pair, by {@link #hash} with linear probing: no key object or map
   * entry per pair (a whole manifest's pairs are held at once).
   */
  private Claim[] table = new Claim[1 << 10];
  private int pairs;
  private final int maxPairs;
  private boolean full;

  public ConflictCheck() {
    this(MAX_PAIRS);
  }

  /** With another cap, for tests. */
  ConflictCheck(int maxPairs) {
    this.maxPairs = maxPairs;
  }

  /**
   * Checks a line against the earlier ones and remembers what it says.
   *
   * @return {@code line} itself; or, when it is an entry that contradicts an earlier line, a
   *     {@link ManifestLine.Malformed} naming both lines, e.g. {@code line 7: foo-1.0.tar.gz for
   *     PKGPATH devel/foo conflicts with line 3: SHA512 differs}. A refused line is not remembered.
   */
  public ManifestLine check(ManifestLine line) {
    if (!(line instanceof ManifestLine.Entry entry)) {
      return line;
    }
    ExpectedDistfile e = entry.entry();
    if (e.pkgpaths().isEmpty()) {
      return line;
    }
    long size = e.size().isPresent() ? e.size().getAsLong() : -1;
    String name = e.name().value();
    for (String pkgpath : e.pkgpaths()) {
      for (Claim c = table[slot(pkgpath, name)]; c != null; c = c.next) {
        String why = c.contradiction(size, e.digests());
        if (why != null) {
          return new ManifestLine.Malformed(line.number(), new ManifestError(line.number(),
              name + " for PKGPATH " + pkgpath + " conflicts with line " + c.line + ": " + why));
        }
      }
    }
    for (String pkgpath : e.pkgpaths()) {
      if (!remember(pkgpath, name, line.number(), size, e.digests()) && !full) {
        full = true;
        return new ManifestLine.Malformed(line.number(), new ManifestError(line.number(),
            "more than " + maxPairs + " distinct (name, PKGPATH) pairs: too many to check for conflicts in one "
                + "manifest; split it"));
      }
    }
    return line;
  }

  /**
   * Mixed by MurmurHash3's finalizer: names and PKGPATHs that differ in a digit or two (as a
   * tree's do) have nearby string hashes, which would fill runs of the table and make every
   * probe walk them.
   */
  private static int hash(String pkgpath, String name) {
    int h = pkgpath.hashCode() * 31 + name.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** The slot of (pkgpath, name) in {@link #table}: where it is, or the empty slot it would take. */
  private int slot(String pkgpath, String name) {
    int mask = table.length - 1;
    for (int i = hash(pkgpath, name) & mask; ; i = (i + 1) & mask) {
      Claim c = table[i];
      if (c == null || (c.name.equals(name) && c.pkgpath.equals(pkgpath))) {
        return i;
      }
    }
  }

  /**
   * Remembers what line {@code line} said about (pkgpath, name); false if the pair was new and
   * there is no room.
   */
  private boolean remember(String pkgpath, String name, long line, long size, Digests digests) {
    int i = slot(pkgpath, name);
    Claim head = table[i];
    if (head == null) {
      if (pairs >= maxPairs) {
        return false;
      }
      table[i] = new Claim(pkgpath, name, line, size, digests);
      if (++pairs * 2 > table.length) {
        grow();
      }
      return true;
    }
    Claim last = head;
    for (Claim c = head; c != null; c = c.next) {
      if (c.sameFacts(size, digests)) {
        return true; // a repeated line adds nothing
      }
      last = c;
    }
    // Non-contradicting but different facts, e.g. one line with the size, another without it:
    // each is kept, so a later line contradicting either is found. They agree with each other,
    // so they are subsets of one size and five digests: a few per key, 64 at the very most.
    last.next = new Claim(pkgpath, name, line, size, digests);
    return true;
  }

  /** Doubles {@link #table}, at most half full. */
  private void grow() {
    Claim[] old = table;
    table = new Claim[old.length * 2];
    int mask = table.length - 1;
    for (Claim c : old) {
      if (c != null) {
        int i = hash(c.pkgpath, c.name) & mask;
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = c;
      }
    }
  }
}

package org.distvault.prefetch.manifest;

import java.util.Arrays;
import java.util.Map;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
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
 * identical claims are kept once. About 300 bytes per pair (the claim and its digests, the name
 * and PKGPATH strings it keeps, its slot in an open-addressing table; 311 were measured for lines
 * with a SHA512 and a BLAKE2s when a map with a key string per pair held them), so 200,000 lines of one PKGPATH each take
 * some 60 MB; a whole pkgsrc tree (25,000 distfiles) a tenth of that. Past {@value #MAX_PAIRS} pairs the manifest is refused rather than the heap run
 * out (which would stop the server): one line says so, and the pairs after it are not
 * remembered. Not thread-safe.
 */
public final class ConflictCheck {
  /** Distinct (name, PKGPATH) pairs remembered at most: some 20 times a pkgsrc tree's, 150 MB. */
  public static final int MAX_PAIRS = 500_000;

  private static final DigestAlgorithm[] ALGORITHMS = DigestAlgorithm.values();

  /**
   * What one line said about (name, PKGPATH); several non-contradicting ones chain. The first of a
   * pair is the pair's slot in {@link #table} and holds its key (the entry's own strings).
   */
  private static final class Claim {
    final String pkgpath;
    final String name;
    final long line;
    final long size; // -1: not given
    final int algorithms; // bit per DigestAlgorithm ordinal
    final byte[] digests; // those algorithms' bytes, concatenated in ordinal order
    Claim next;

    Claim(String pkgpath, String name, long line, long size, int algorithms, byte[] digests) {
      this.pkgpath = pkgpath;
      this.name = name;
      this.line = line;
      this.size = size;
      this.algorithms = algorithms;
      this.digests = digests;
    }

    Claim withKey(String pkgpath, String name) {
      return new Claim(pkgpath, name, line, size, algorithms, digests);
    }

    /** Where {@code a}'s digest starts in {@link #digests}, which must hold it. */
    int offset(DigestAlgorithm a) {
      int off = 0;
      for (int i = 0; i < a.ordinal(); i++) {
        if ((algorithms & (1 << i)) != 0) {
          off += ALGORITHMS[i].length();
        }
      }
      return off;
    }

    /** Why {@code other} contradicts this claim, or null. */
    String contradiction(Claim other) {
      if (size >= 0 && other.size >= 0 && size != other.size) {
        return "size " + other.size + " differs from " + size;
      }
      for (DigestAlgorithm a : ALGORITHMS) {
        int bit = 1 << a.ordinal();
        if ((algorithms & bit) != 0 && (other.algorithms & bit) != 0) {
          int mine = offset(a);
          int theirs = other.offset(a);
          if (!Arrays.equals(digests, mine, mine + a.length(), other.digests, theirs, theirs + a.length())) {
            return a.distinfoName() + " differs";
          }
        }
      }
      return null;
    }

    boolean sameFacts(Claim other) {
      return size == other.size && algorithms == other.algorithms && Arrays.equals(digests, other.digests);
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
    Claim claim = claimOf(line.number(), e);
    String name = e.name().value();
    for (String pkgpath : e.pkgpaths()) {
      for (Claim c = table[slot(pkgpath, name)]; c != null; c = c.next) {
        String why = c.contradiction(claim);
        if (why != null) {
          return new ManifestLine.Malformed(line.number(), new ManifestError(line.number(),
              name + " for PKGPATH " + pkgpath + " conflicts with line " + c.line + ": " + why));
        }
      }
    }
    for (String pkgpath : e.pkgpaths()) {
      if (!remember(pkgpath, name, claim) && !full) {
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

  /** Remembers {@code claim} for (pkgpath, name); false if it was new and there is no room. */
  private boolean remember(String pkgpath, String name, Claim claim) {
    int i = slot(pkgpath, name);
    Claim head = table[i];
    if (head == null) {
      if (pairs >= maxPairs) {
        return false;
      }
      table[i] = claim.withKey(pkgpath, name);
      if (++pairs * 2 > table.length) {
        grow();
      }
      return true;
    }
    Claim last = head;
    for (Claim c = head; c != null; c = c.next) {
      if (c.sameFacts(claim)) {
        return true; // a repeated line adds nothing
      }
      last = c;
    }
    // Non-contradicting but different facts, e.g. one line with the size, another without it:
    // each is kept, so a later line contradicting either is found. They agree with each other,
    // so they are subsets of one size and five digests: a few per key, 64 at the very most.
    last.next = claim.withKey(pkgpath, name);
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

  private static Claim claimOf(long line, ExpectedDistfile e) {
    int algorithms = 0;
    int length = 0;
    for (Map.Entry<DigestAlgorithm, Digest> d : e.digests().asMap().entrySet()) {
      algorithms |= 1 << d.getKey().ordinal();
      length += d.getKey().length();
    }
    byte[] bytes = new byte[length];
    int off = 0;
    for (DigestAlgorithm a : ALGORITHMS) {
      if ((algorithms & (1 << a.ordinal())) != 0) {
        byte[] b = e.digests().get(a).orElseThrow().bytes();
        System.arraycopy(b, 0, bytes, off, b.length);
        off += b.length;
      }
    }
    return new Claim(null, null, line, e.size().isPresent() ? e.size().getAsLong() : -1, algorithms, bytes);
  }
}

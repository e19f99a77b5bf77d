package org.distvault.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH benchmark of whole-buffer digests: our BLAKE2s, Bouncy Castle's BLAKE2s and the JDK's
 * SHA-512, each hashing one buffer of {@code size} bytes per operation.
 *
 * <p>Scores are operations per second; {@code ops/bench/digest-bench.sh} turns them into MB/s
 * (10^6 bytes, as {@code openssl speed} counts) and sets them against OpenSSL.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DigestBench {
  /** Buffer sizes: 16 KiB is what {@code openssl speed -bytes 16384} hashes per call. */
  @Param({"16384", "1048576"})
  public int size;

  private byte[] data;

  @Setup
  public void fill() {
    data = new byte[size];
    new Random(size).nextBytes(data);
  }

  /** Our BLAKE2s-256 through the public API the server uses. */
  @Benchmark
  public Digests blake2sOurs() {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.BLAKE2S);
    d.update(data, 0, data.length);
    return d.finish();
  }

  /** Bouncy Castle's BLAKE2s-256, the implementation ours replaced. */
  @Benchmark
  public byte[] blake2sBouncyCastle() {
    Blake2sDigest d = new Blake2sDigest(256);
    d.update(data, 0, data.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  /** The JDK's SHA-512 (a HotSpot intrinsic), for scale. */
  @Benchmark
  public byte[] sha512Jdk() throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-512").digest(data);
  }
}

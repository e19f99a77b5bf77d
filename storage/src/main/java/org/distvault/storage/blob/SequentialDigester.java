package org.distvault.storage.blob;

import java.util.Set;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;

/** A {@link ChunkDigester} that hashes each chunk on the calling thread, reusing one buffer. */
final class SequentialDigester implements ChunkDigester {
  private final MultiDigester digester;
  private final byte[] buffer;

  SequentialDigester(Set<DigestAlgorithm> algorithms, int chunkSize) {
    this.digester = MultiDigester.of(algorithms);
    this.buffer = new byte[chunkSize];
  }

  @Override
  public byte[] buffer() {
    return buffer;
  }

  @Override
  public void hash(byte[] buf, int len) {
    digester.update(buf, 0, len);
  }

  @Override
  public Digests finish() {
    return digester.finish();
  }

  @Override
  public void abort() {
    // Nothing runs elsewhere and the buffer is garbage collected.
  }
}

package org.distvault.server.http;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.MultiDigester;
import org.xnio.IoUtils;

/**
 * The whole body of a blob whose file this process has not verified yet: hashed while it is sent,
 * all but its last {@link #HOLD_BACK} bytes, which go out only once the SHA-512 of the whole file
 * matches. On a mismatch the connection is closed instead, so no client ever holds a complete wrong
 * file, and the caller puts the blob aside. Afterwards the file is known good and later requests
 * are zero-copy ({@link FileTransfer}).
 *
 * <p>Blocking: runs on a worker thread, for the first request of a large blob only (small blobs are
 * hashed whole before their headers). A client that stops reading is cut by the write timeout.
 */
final class VerifyingTransfer {
  /** Bytes held back until the digest is known. */
  static final int HOLD_BACK = 64 * 1024;

  private static final int CHUNK = 256 * 1024;

  private VerifyingTransfer() {}

  /**
   * Sends the file of {@code blob} whole; status and headers other than the length must be set.
   *
   * @throws CorruptBlobException after closing the connection, when the bytes are not the blob's
   */
  static void send(HttpServerExchange exchange, ServableBlob blob, VerifiedFiles.Identity id,
      VerifiedFiles verified) throws IOException {
    long size = blob.size();
    long free = size - Math.min(size, HOLD_BACK); // bytes sent before the digest is known
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512);
    ByteBuffer tail = ByteBuffer.allocate((int) (size - free));
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
    exchange.setResponseContentLength(size);
    exchange.startBlocking();
    OutputStream out = exchange.getOutputStream();
    long read = 0;
    try (FileChannel ch = FileChannel.open(blob.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.wrap(chunk);
      for (int n; (n = ch.read(buf.clear())) >= 0; ) {
        if (read + n > size) {
          read += n; // the file grew: its bytes are not the blob's
          break;
        }
        d.update(ByteBuffer.wrap(chunk, 0, n));
        int now = (int) Math.max(0, Math.min(n, free - read));
        out.write(chunk, 0, now);
        tail.put(chunk, now, n - now);
        read += n;
      }
    }
    Digest actual = d.finish().get(DigestAlgorithm.SHA512).orElseThrow();
    try {
      VerifiedFiles.check(blob.sha512(), actual, read, size);
    } catch (CorruptBlobException e) {
      IoUtils.safeClose(exchange.getConnection()); // the client gets a short body, never a wrong whole one
      throw e;
    }
    out.write(tail.array(), 0, tail.position());
    out.close();
    verified.verified(blob.sha512(), id);
  }
}

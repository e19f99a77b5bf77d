package org.distvault.server.http;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.MultiDigester;

/**
 * Which blob files this process has verified (re-hashed to the SHA-512 that names them), by the
 * identity of the file when it was verified: device and inode, size, modification and change time.
 * A file written since, in place or replaced, has another identity and is verified again before it
 * is served complete; a byte flipped on disk changes the change time even when the modification
 * time is put back. In memory only: every process verifies each file before its first service.
 *
 * <p>Thread-safe. One entry per verified blob (a few hundred bytes; a store's blob count is bounded).
 */
public final class VerifiedFiles {
  private static final int BUFFER = 1 << 20;

  /** A file as {@code stat} describes it; equal identities mean the file was not written between. */
  record Identity(Object device, Object inode, long size, Object modified, Object changed) {}

  private final Map<Digest, Identity> good = new ConcurrentHashMap<>();
  /** Verifications running, so that concurrent first requests of one blob hash it once. */
  private final Map<Identity, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

  /**
   * The JDK's own accessors of a {@code stat}'s device, inode and change time ({@code
   * sun.nio.fs.UnixFileAttributes}: {@code dev()}, {@code ino()}, {@code ctime()}), when this JVM
   * lets us call them ({@code Add-Opens: java.base/sun.nio.fs} in the jar's manifest, or {@code
   * --add-opens}); else null, and {@link #identify} asks for the same values by attribute name.
   */
  private static final StatAccess STAT = StatAccess.find();

  /**
   * The identity of the file now (one {@code stat}, not following links). With {@link #STAT} the
   * attributes come from the one {@code stat} without the JDK's parsing of attribute names, which
   * cost more than the {@code stat} itself on a small hit; the values are the same.
   */
  static Identity identify(Path file) throws IOException {
    if (STAT != null) {
      BasicFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (STAT.type() == a.getClass()) {
        return STAT.identity(a);
      }
    }
    return identifyByName(file);
  }

  /** {@link #identify} through the {@code unix:} attribute view, by name: any JVM on Unix. */
  static Identity identifyByName(Path file) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
    return new Identity(a.get("dev"), a.get("ino"), (Long) a.get("size"), a.get("lastModifiedTime"), a.get("ctime"));
  }

  /** Whether {@link #identify} reads the attributes without names (see {@link #STAT}). */
  static boolean direct() {
    return STAT != null;
  }

  /** The JDK's accessors of the {@code unix:} view's {@code dev}, {@code ino} and {@code ctime}. */
  private record StatAccess(Class<?> type, MethodHandle dev, MethodHandle ino, MethodHandle ctime) {
    static StatAccess find() {
      try {
        Class<?> type = Class.forName("sun.nio.fs.UnixFileAttributes");
        MethodHandles.Lookup in = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        return new StatAccess(type,
            in.findVirtual(type, "dev", MethodType.methodType(long.class)).asType(MethodType.methodType(long.class, Object.class)),
            in.findVirtual(type, "ino", MethodType.methodType(long.class)).asType(MethodType.methodType(long.class, Object.class)),
            in.findVirtual(type, "ctime", MethodType.methodType(FileTime.class))
                .asType(MethodType.methodType(FileTime.class, Object.class)));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null; // not opened to us (IllegalAccessException), or another JDK: by name then
      }
    }

    Identity identity(BasicFileAttributes a) throws IOException {
      try {
        return new Identity((long) dev.invokeExact((Object) a), (long) ino.invokeExact((Object) a), a.size(),
            a.lastModifiedTime(), (FileTime) ctime.invokeExact((Object) a));
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IOException("cannot read the file's attributes: " + e, e); // the accessors throw nothing else
      }
    }
  }

  /** Whether the file of {@code sha512} was verified with exactly this identity. */
  boolean known(Digest sha512, Identity id) {
    return id.equals(good.get(sha512));
  }

  /** Notes that the file of {@code sha512} with this identity holds exactly its bytes. */
  void verified(Digest sha512, Identity id) {
    good.put(sha512, id);
  }

  /** Forgets what was known of the file of {@code sha512}. */
  void forget(Digest sha512) {
    good.remove(sha512);
  }

  /**
   * Hashes the whole file and notes it as verified when it hashes to {@code sha512}; concurrent
   * calls for one file share one hashing. It runs on the caller's thread and ties up no client:
   * its time is the disk's and the CPU's, and it is spent once per file and process.
   *
   * @throws CorruptBlobException when it does not, or its size changed while it was read
   */
  void verify(Digest sha512, Path file, Identity id) throws IOException {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> shared = running.putIfAbsent(id, mine);
    if (shared != null) {
      try {
        shared.join();
        return;
      } catch (CompletionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw e;
      }
    }
    try {
      hash(sha512, file, id);
      mine.complete(null);
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(id, mine);
    }
  }

  private void hash(Digest sha512, Path file, Identity id) throws IOException {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512);
    long read = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(BUFFER, Math.max(1, id.size())));
      for (int n; (n = ch.read(buf.clear())) >= 0; ) {
        read += n;
        d.update(buf.flip());
      }
    }
    Digest actual = d.finish().get(DigestAlgorithm.SHA512).orElseThrow();
    check(sha512, actual, read, id.size());
    good.put(sha512, id);
  }

  /** Throws when the bytes read are not the blob's. */
  static void check(Digest sha512, Digest actual, long read, long size) throws CorruptBlobException {
    if (read != size) {
      throw new CorruptBlobException(sha512, "its file changed size while it was read (" + read + " of " + size + " bytes)");
    }
    if (!actual.equals(sha512)) {
      throw new CorruptBlobException(sha512, "its file hashes to SHA512 " + actual.hex());
    }
  }
}

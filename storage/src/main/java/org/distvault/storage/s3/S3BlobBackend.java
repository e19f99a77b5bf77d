package org.distvault.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.CorruptBlob;
import org.distvault.storage.blob.CorruptBlobException;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.blob.SizeMismatchException;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.SetName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects {@code PREFIX/blobs/sha512/ab/cd/<hex>} in an S3-compatible bucket, with a
 * local {@link CacheTier} in front that answers {@link #file} for zero-copy serving.
 *
 * <p>Verification stays here, not in the bucket: an ingest is hashed while it is written to a
 * temp file in the tier, checked, and only then uploaded to its content address. An S3 PUT (and
 * the completion of a multipart upload) makes an object appear whole or not at all, so uploading
 * verified bytes straight to their final key leaves nothing unverified readable under {@code
 * blobs/}, without the temporary key and server-side copy that would double the bucket's work for
 * every blob. A blob the bucket already holds with the same size is not uploaded again.
 *
 * <p>Reads go through the tier: a hit costs no request; a miss streams the object into the tier,
 * hashed while it is written, and only a file whose SHA-512 and size match enters it. Wrong bytes
 * in the bucket raise {@link CorruptBlobException} and are never returned. Concurrent misses of
 * one blob share one fill.
 *
 * <p>Every bucket failure (unreachable, too slow, an error answer) surfaces, after the bounded
 * retries of {@link S3Options}, as a {@link BackendUnavailableException} naming the operation;
 * tier hits keep working meanwhile, and the next call tries the bucket again. Thread-safe; closing
 * it closes the client and the tier.
 */
public final class S3BlobBackend implements BlobBackend {
  private static final Logger log = LoggerFactory.getLogger(S3BlobBackend.class);
  private static final int PAGE = 1000;
  private static final int BUFFER = 1 << 20;
  private static final int STRIPES = 64;
  /** Objects re-hashed at a time by {@link #rehashAll}. */
  static final int REHASH_PARALLEL = 4;

  private final S3Options options;
  private final ObjectKeys keys;
  private final Bucket bucket;
  private final CacheTier tier;
  private final AtomicLong deleted = new AtomicLong();
  private final ConcurrentHashMap<Digest, CompletableFuture<Optional<Path>>> filling =
      new ConcurrentHashMap<>();
  /** Serialise an upload and a collection of the same blob (by stripe); see {@link #collect}. */
  private final Object[] stripes = new Object[STRIPES];
  /** Told of every blob an ingest publishes, under the blob's stripe. */
  private volatile Consumer<Digest> onPublished = d -> { };

  private S3BlobBackend(S3Options options, Bucket bucket, CacheTier tier) {
    this.options = options;
    this.keys = new ObjectKeys(options.prefix());
    this.bucket = bucket;
    this.tier = tier;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * A backend on the bucket of {@code options} with {@code tier} in front; it owns the tier from
   * here on. Sends no request: an unreachable bucket fails the first operation that needs it.
   *
   * @throws IllegalArgumentException when the options give no region and none can be found (for
   *     AWS itself: a custom endpoint falls back to {@code us-east-1})
   */
  public static S3BlobBackend open(S3Options options, CacheTier tier) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(tier, "tier");
    return new S3BlobBackend(options, Bucket.connect(options), tier);
  }

  /** The local tier in front of the bucket. */
  public CacheTier tier() {
    return tier;
  }

  /** The published seals of the sets in this bucket and prefix. */
  public SealObjects seals() {
    return new SealObjects(bucket, keys);
  }

  /**
   * The listing the set's pointer ({@code PREFIX/sets/<set>/current}) names, when it names {@code
   * digest}.
   *
   * @throws BackendUnavailableException when the bucket cannot be read
   */
  @Override
  public Optional<byte[]> publishedListing(SetName set, String digest) {
    return seals().current(set).filter(p -> p.digest().equals(digest)).map(seals()::listing);
  }

  /** HTTP requests sent to the bucket since open, retries included. */
  public long requests() {
    return bucket.requests();
  }

  /** {@code s3://bucket/prefix}. */
  @Override
  public String location() {
    return options.location();
  }

  /**
   * Starts an ingest into the tier whose commit verifies it, uploads it to the bucket, and keeps it
   * in the tier as a warm copy.
   *
   * @throws org.distvault.storage.blob.BlobTooLargeException above {@link #maxBlobSize()}
   */
  @Override
  public BlobWriter newWriter(Expectation expected) throws IOException {
    return tier.newWriter(expected, this::upload);
  }

  /**
   * The blob's file in the tier, filled from the bucket on a miss.
   *
   * @return empty if the bucket has no such object
   * @throws BackendUnavailableException if the bucket cannot be read now
   * @throws CorruptBlobException if the object's bytes are not the blob
   */
  @Override
  public Optional<Path> fileIfLocal(Digest sha512) {
    return tier.peek(sha512);
  }

  @Override
  public Optional<Path> file(Digest sha512) {
    Optional<Path> hit = tier.file(sha512);
    if (hit.isPresent()) {
      return hit;
    }
    CompletableFuture<Optional<Path>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Path>> other = filling.putIfAbsent(sha512, mine);
    if (other != null) {
      return join(other);
    }
    try {
      // A fill that ended between the first look and now has already put the file in the tier
      // (asked without counting a second miss).
      Optional<Path> filled = tier.contains(sha512) ? tier.file(sha512) : Optional.empty();
      if (filled.isEmpty()) {
        filled = fill(sha512);
      }
      mine.complete(filled);
      return filled;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      filling.remove(sha512, mine);
    }
  }

  /**
   * Whether the blob is in the tier or the bucket; a tier hit sends no request.
   *
   * @throws BackendUnavailableException if the bucket cannot be asked
   */
  @Override
  public boolean contains(Digest sha512) {
    return tier.contains(sha512) || bucket.size(keys.key(sha512)).isPresent();
  }

  /**
   * The object's size, asked of the bucket (the tier is not filled).
   *
   * @throws BackendUnavailableException if the bucket cannot be asked
   */
  @Override
  public OptionalLong size(Digest sha512) {
    return bucket.size(keys.key(sha512));
  }

  /** Lists the bucket: keys sort in SHA-512 order. Objects at invalid keys are skipped. */
  @Override
  public List<Digest> list(Optional<Digest> after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    List<Digest> out = new ArrayList<>();
    Optional<String> from = after.map(keys::key);
    while (out.size() < limit) {
      List<S3Object> page = bucket.list(keys.blobs(), from, Math.min(PAGE, limit - out.size()));
      for (S3Object o : page) {
        keys.digestAt(o.key()).ifPresent(out::add);
      }
      if (page.isEmpty()) {
        break;
      }
      from = Optional.of(page.get(page.size() - 1).key());
    }
    return out;
  }

  /**
   * Copies the object to {@code PREFIX/quarantine/<hex>.<millis>} with a {@code .reason} object
   * beside it, then deletes it and its tier file.
   *
   * @return the quarantine key, as a relative path; empty if the bucket had no such object
   */
  @Override
  public Optional<Path> delete(Digest sha512, String reason) throws IOException {
    tier.evict(sha512);
    String key = keys.key(sha512);
    OptionalLong size = bucket.size(key);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    String aside = keys.quarantine(sha512, options.blobs().clock().millis());
    bucket.copy(key, aside);
    bucket.putText(aside + ".reason", "was " + key + " (" + size.getAsLong() + " bytes) at "
        + options.blobs().clock().instant() + ": " + reason + "\n");
    bucket.delete(key);
    deleted.incrementAndGet();
    log.warn("took {} out of service as {}: {}", bucket.where(key), bucket.where(aside), reason);
    return Optional.of(Path.of(aside));
  }

  /**
   * Evicts the tier's file: the bucket's object is not the file found wrong. Counts as a deletion
   * ({@link #deleted}), so that readers holding files open do not keep the wrong one.
   */
  @Override
  public boolean dropCopy(Digest sha512, String reason) throws IOException {
    tier.evict(sha512);
    deleted.incrementAndGet();
    log.warn("dropped the cache tier's copy of {} ({}); the next read fills it again from {}", sha512.hex(),
        reason, options.location());
    return true;
  }

  /**
   * Reads every object back and hashes it (streamed, nothing stored locally); each whose bytes do
   * not match its name is deleted as {@link #delete} does. Objects at invalid keys under {@code
   * blobs/} are reported as skipped, not touched.
   */
  @Override
  public ScrubReport verify(Consumer<CorruptBlob> onCorrupt) throws IOException {
    return survey(EnumSet.of(DigestAlgorithm.SHA512), 1, b -> { }, onCorrupt, "verified");
  }

  /**
   * As {@link #verify}, hashing every algorithm, four objects at a time (each streamed through
   * a 1 MiB buffer: no object is held in memory or stored): for
   * {@code serve --recover}, which records each object that matches its name.
   */
  @Override
  public ScrubReport rehashAll(Consumer<StoredBlob> found, Consumer<CorruptBlob> onCorrupt) throws IOException {
    return survey(EnumSet.allOf(DigestAlgorithm.class), REHASH_PARALLEL, found, onCorrupt, "re-hashed");
  }

  private ScrubReport survey(Set<DigestAlgorithm> algorithms, int parallel, Consumer<StoredBlob> found,
      Consumer<CorruptBlob> onCorrupt, String what) throws IOException {
    long checked = 0;
    long bytes = 0;
    List<CorruptBlob> corrupt = new ArrayList<>();
    List<Path> skipped = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "s3-rehash");
      t.setDaemon(true);
      return t;
    });
    try {
      Optional<String> from = Optional.empty();
      for (List<S3Object> page = bucket.list(keys.blobs(), from, PAGE); !page.isEmpty();
          page = bucket.list(keys.blobs(), from, PAGE)) {
        List<Map.Entry<S3Object, Future<Optional<Digests>>>> hashing = new ArrayList<>();
        for (S3Object o : page) {
          if (keys.digestAt(o.key()).isEmpty()) {
            skipped.add(Path.of(o.key()));
          } else {
            hashing.add(Map.entry(o, pool.submit(() -> hash(o.key(), algorithms))));
          }
        }
        for (Map.Entry<S3Object, Future<Optional<Digests>>> h : hashing) {
          S3Object o = h.getKey();
          Digest named = keys.digestAt(o.key()).orElseThrow();
          Optional<Digests> actual = await(h.getValue());
          if (actual.isEmpty()) {
            continue; // deleted since it was listed
          }
          checked++;
          bytes += o.size();
          Digest sha512 = actual.get().get(DigestAlgorithm.SHA512).orElseThrow();
          if (sha512.equals(named)) {
            found.accept(new StoredBlob(named, o.size(), actual.get(), Path.of(o.key())));
            continue;
          }
          String reason = "content hashes to SHA512 " + sha512.hex();
          Optional<Path> aside = delete(named, reason);
          if (aside.isPresent()) {
            CorruptBlob c = new CorruptBlob(Path.of(o.key()), Optional.of(named), Optional.of(sha512), o.size(),
                reason, aside.get());
            corrupt.add(c);
            onCorrupt.accept(c);
          }
        }
        from = Optional.of(page.get(page.size() - 1).key());
      }
    } finally {
      pool.shutdownNow();
    }
    log.info("{} {}: {} blobs, {} bytes, {} corrupt", what, options.location(), checked, bytes, corrupt.size());
    return new ScrubReport(checked, bytes, corrupt, skipped);
  }

  private static Optional<Digests> await(Future<Optional<Digests>> hashing) {
    try {
      return hashing.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException("verify", "interrupted while hashing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new BackendUnavailableException("verify", e.getCause().toString(), e.getCause());
    }
  }

  @Override
  public long deleted() {
    return deleted.get();
  }

  /** The blob options' limit, at most the tier's size: a blob must fit the tier to be served. */
  @Override
  public long maxBlobSize() {
    return tier.maxBlobSize();
  }

  @Override
  public void onPublished(Consumer<Digest> listener) {
    this.onPublished = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Deletes the object (no quarantine copy: it is garbage, not damage) and its tier file, if {@code
   * forget} agrees, under the same per-blob lock as an ingest's upload.
   *
   * @throws BackendUnavailableException if the bucket cannot delete it now; the record is gone
   *     then, and the object stays as an unrecorded one
   */
  @Override
  public boolean collect(Digest sha512, BooleanSupplier forget) throws IOException {
    synchronized (stripe(sha512)) {
      if (!forget.getAsBoolean()) {
        return false;
      }
      tier.evict(sha512);
      bucket.delete(keys.key(sha512));
      return true;
    }
  }

  @Override
  public String toString() {
    return location();
  }

  /** Closes the client and the tier. */
  @Override
  public void close() throws IOException {
    try {
      bucket.close();
    } finally {
      tier.close();
    }
  }

  /** Uploads a verified file to its content address, unless the bucket already holds it. */
  private void upload(Path verified, long size, Digests digests) {
    Digest sha512 = digests.get(DigestAlgorithm.SHA512).orElseThrow();
    String key = keys.key(sha512);
    synchronized (stripe(sha512)) {
      onPublished.accept(sha512);
      OptionalLong held = bucket.size(key);
      if (held.isPresent() && held.getAsLong() == size) {
        log.debug("{} already holds {}", options.location(), sha512.hex());
        return;
      }
      // An object of another size under this name is not this blob: the verified bytes replace it.
      bucket.put(key, verified, size);
    }
  }

  private Object stripe(Digest sha512) {
    return stripes[Math.floorMod(sha512.hashCode(), STRIPES)];
  }

  /** Streams the object into the tier, verified on the way. */
  private Optional<Path> fill(Digest sha512) {
    String key = keys.key(sha512);
    Optional<ResponseInputStream<GetObjectResponse>> got = bucket.get(key);
    if (got.isEmpty()) {
      return Optional.empty();
    }
    try (ResponseInputStream<GetObjectResponse> in = got.get()) {
      Digests name = Digests.of(List.of(sha512));
      Long length = in.response().contentLength(); // always sent by S3; a writer limit if not
      if (length != null && length > tier.maxBlobSize()) {
        throw new BackendUnavailableException("get", bucket.where(key) + " has " + length
            + " bytes, more than the cache tier's " + tier.maxBlobSize(), null);
      }
      Expectation expected = length == null ? Expectation.of(name) : Expectation.of(length, name);
      try (BlobWriter w = tier.newWriter(expected, (p, s, d) -> { })) {
        w.readFrom(in);
        return Optional.of(w.commit().path());
      }
    } catch (DigestMismatchException e) {
      log.error("{} is corrupt: {}", bucket.where(key), e.getMessage());
      throw new CorruptBlobException("get", sha512, bucket.where(key), e);
    } catch (SizeMismatchException e) {
      // Fewer bytes than the object's announced length: the transfer broke, not the object.
      throw new BackendUnavailableException("get", bucket.where(key) + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BackendUnavailableException("get", bucket.where(key) + ": " + e, e);
    }
  }

  /** The digests of the object's bytes, streamed; empty if it is gone. */
  private Optional<Digests> hash(String key, Set<DigestAlgorithm> algorithms) {
    Optional<ResponseInputStream<GetObjectResponse>> got = bucket.get(key);
    if (got.isEmpty()) {
      return Optional.empty();
    }
    MultiDigester d = MultiDigester.of(algorithms);
    byte[] buf = new byte[BUFFER];
    try (InputStream in = got.get()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        d.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new BackendUnavailableException("verify", bucket.where(key) + ": " + e, e);
    }
    return Optional.of(d.finish());
  }

  private static Optional<Path> join(CompletableFuture<Optional<Path>> fill) {
    try {
      return fill.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}

package org.distvault.storage.s3;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.distvault.storage.blob.BackendUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One bucket seen through the SDK's sync client: the few object operations the blob backend
 * needs, each bounded in time, each failure turned into a {@link BackendUnavailableException}
 * naming the operation and the object ({@code 404} is an answer, not a failure).
 *
 * <p>Counts every HTTP request it sends, retries included ({@link #requests()}). Thread-safe;
 * closing it closes the client and its connection pool.
 */
final class Bucket implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Bucket.class);
  private static final String OCTETS = "application/octet-stream";

  private final S3Options options;
  private final S3Client client;
  private final AtomicLong requests;

  private Bucket(S3Options options, S3Client client, AtomicLong requests) {
    this.options = options;
    this.client = client;
    this.requests = requests;
  }

  /** A client for the bucket of {@code options}; sends no request yet. */
  static Bucket connect(S3Options options) {
    AtomicLong requests = new AtomicLong();
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            requests.incrementAndGet();
          }
        };
    S3ClientBuilder b =
        S3Client.builder()
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .connectionTimeout(options.connectTimeout())
                    .socketTimeout(options.readTimeout()))
            .credentialsProvider(options.credentials())
            .forcePathStyle(options.pathStyle())
            // Checksums only where S3 requires them: self-hosted servers do not all know the
            // newer checksum headers, and every body is verified by SHA-512 on our side anyway.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                c -> c.retryStrategy(r -> r.maxAttempts(options.maxAttempts()))
                    .addExecutionInterceptor(counter));
    options.endpoint().ifPresent(b::endpointOverride);
    if (options.region().isPresent()) {
      b.region(Region.of(options.region().get()));
    } else if (options.endpoint().isPresent()) {
      b.region(defaultRegion());
    }
    try {
      return new Bucket(options, b.build(), requests);
    } catch (SdkClientException e) {
      // AWS itself without a region anywhere (AWS_REGION, the profile, instance metadata).
      throw new IllegalArgumentException("no signing region for " + options.location()
          + ": set AWS_REGION or the profile's region, or give one (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The SDK's region ({@code AWS_REGION}, the profile), else {@code us-east-1}: self-hosted
   * servers mostly ignore the region, but a signature needs one.
   */
  private static Region defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }

  /** HTTP requests sent so far, retries included. */
  long requests() {
    return requests.get();
  }

  /** {@code s3://bucket/key}, for messages. */
  String where(String key) {
    return "s3://" + options.bucket() + "/" + key;
  }

  /** The size of the object, or empty if there is none. */
  OptionalLong size(String key) {
    return call("head", key, () -> {
      try {
        return OptionalLong.of(
            client
                .headObject(r -> r.bucket(options.bucket()).key(key)
                    .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout())))
                .contentLength());
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return OptionalLong.empty();
        }
        throw e;
      }
    });
  }

  /**
   * Starts reading the object, or empty if there is none. The caller closes the stream. Once it is
   * returned, reading is bounded only by the read timeout (each silence), not retried: a failure
   * is an {@code IOException} from the stream.
   */
  Optional<ResponseInputStream<GetObjectResponse>> get(String key) {
    return call("get", key, () -> {
      try {
        return Optional.of(client.getObject(r -> r.bucket(options.bucket()).key(key)));
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  /**
   * Uploads {@code size} bytes of {@code file} as the object {@code key}, streamed from the file:
   * one PUT up to the part size, else a multipart upload that is aborted on failure. Either way
   * the object appears whole or not at all.
   */
  void put(String key, Path file, long size) {
    if (size <= options.partSize()) {
      call("put", key, () -> client.putObject(
          r -> r.bucket(options.bucket()).key(key).contentLength(size)
              .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.transferTimeout(size))),
          RequestBody.fromContentProvider(() -> slice(file, 0, size), size, OCTETS)));
      return;
    }
    String upload = call("put", key, () -> client.createMultipartUpload(
        r -> r.bucket(options.bucket()).key(key)
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout()))).uploadId());
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (long off = 0; off < size; off += options.partSize()) {
        int number = parts.size() + 1;
        long start = off;
        long len = Math.min(options.partSize(), size - off);
        String etag = call("put", key, () -> client.uploadPart(
            r -> r.bucket(options.bucket()).key(key).uploadId(upload).partNumber(number)
                .contentLength(len)
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.transferTimeout(len))),
            RequestBody.fromContentProvider(() -> slice(file, start, len), len, OCTETS)).eTag());
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      call("put", key, () -> client.completeMultipartUpload(
          r -> r.bucket(options.bucket()).key(key).uploadId(upload)
              .multipartUpload(m -> m.parts(parts))
              .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout()))));
    } catch (RuntimeException e) {
      abort(key, upload, e);
      throw e;
    }
  }

  /** Stores a small text object (e.g. the reason beside a quarantined blob). */
  void putText(String key, String text) {
    call("put", key, () -> client.putObject(
        r -> r.bucket(options.bucket()).key(key).contentType("text/plain")
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout())),
        RequestBody.fromString(text)));
  }

  /** Stores a small object whole from memory (a seal listing, a pointer). */
  void putBytes(String key, byte[] body, String contentType) {
    call("put", key, () -> client.putObject(
        r -> r.bucket(options.bucket()).key(key).contentType(contentType).contentLength((long) body.length)
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.transferTimeout(body.length))),
        RequestBody.fromBytes(body)));
  }

  /** The bytes of a small object, or empty if there is none. */
  Optional<byte[]> getBytes(String key) {
    return call("get", key, () -> {
      try {
        return Optional.of(client.getObjectAsBytes(r -> r.bucket(options.bucket()).key(key)
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout()))).asByteArray());
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  /** Copies an object inside the bucket (S3 copies up to 5 GiB in one request). */
  void copy(String from, String to) {
    call("copy", from, () -> client.copyObject(
        r -> r.sourceBucket(options.bucket()).sourceKey(from)
            .destinationBucket(options.bucket()).destinationKey(to)
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.transferTimeout(5L << 30)))));
  }

  void delete(String key) {
    call("delete", key, () -> client.deleteObject(
        r -> r.bucket(options.bucket()).key(key)
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout()))));
  }

  /** Up to {@code limit} objects under {@code prefix} whose keys sort after {@code after}. */
  List<S3Object> list(String prefix, Optional<String> after, int limit) {
    List<S3Object> out = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      int want = Math.min(1000, limit - out.size());
      ListObjectsV2Response page = call("list", prefix, () -> client.listObjectsV2(
          r -> r.bucket(options.bucket()).prefix(prefix).maxKeys(want)
              .startAfter(next == null ? after.orElse(null) : null).continuationToken(next)
              .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout()))));
      out.addAll(page.contents());
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null && out.size() < limit);
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  @Override
  public void close() {
    client.close();
  }

  private void abort(String key, String upload, RuntimeException cause) {
    try {
      client.abortMultipartUpload(
          r -> r.bucket(options.bucket()).key(key).uploadId(upload)
              .overrideConfiguration(o -> o.apiCallAttemptTimeout(options.requestTimeout())));
    } catch (SdkException e) {
      // The parts stay until the bucket's lifecycle rule for incomplete uploads removes them.
      log.warn("cannot abort the upload {} of {}: {}", upload, where(key), e.toString());
      cause.addSuppressed(e);
    }
  }

  private <T> T call(String operation, String key, Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw new BackendUnavailableException(
          operation, where(key) + ": " + e.getMessage(), e);
    }
  }


  /** {@code len} bytes of {@code file} from {@code off}; the SDK opens one per attempt. */
  private static InputStream slice(Path file, long off, long len) {
    try {
      InputStream in = Files.newInputStream(file);
      in.skipNBytes(off);
      return new Slice(in, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code remaining} bytes of a stream. */
  private static final class Slice extends FilterInputStream {
    private long remaining;

    Slice(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}

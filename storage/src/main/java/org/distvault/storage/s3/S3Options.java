package org.distvault.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.blob.BlobStoreOptions;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Settings of an {@link S3BlobBackend}: where the bucket is and how long to wait for it.
 *
 * <p>Every wait is bounded: connecting, each metadata request, each silent gap while reading,
 * and each transfer (given a floor rate), times {@code maxAttempts}. Credentials come the SDK's
 * standard way ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE} and
 * the profile files, container and instance roles), never from the command line; tests pass
 * their own provider. Immutable.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix, without slashes around it; empty for the bucket's root
 * @param endpoint the S3 endpoint, for anything but AWS (MinIO, Ceph RGW, Garage, s3proxy)
 * @param region the signing region; when empty, the SDK's region chain ({@code AWS_REGION}, the
 *     profile), else {@code us-east-1} for a custom endpoint
 * @param pathStyle whether to address the bucket in the path ({@code http://host/bucket/key}), as
 *     most self-hosted servers want, instead of as a host name
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long a request without a body to send may take (HEAD, LIST, DELETE,
 *     the start of a GET), per attempt
 * @param readTimeout the longest silence while reading an answer
 * @param minTransferRate bytes per second an upload must reach: a part of {@code n} bytes may take
 *     {@code requestTimeout + n / minTransferRate}
 * @param maxAttempts attempts per request, the first included (the SDK's standard backoff between)
 * @param partSize uploads above this many bytes are sent in parts of this size (at least 5 MiB)
 * @param credentials where the access key comes from
 * @param blobs the ingest limits and hashing, as for the local store
 */
public record S3Options(
    String bucket,
    String prefix,
    Optional<URI> endpoint,
    Optional<String> region,
    boolean pathStyle,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration readTimeout,
    long minTransferRate,
    int maxAttempts,
    long partSize,
    AwsCredentialsProvider credentials,
    BlobStoreOptions blobs) {
  /** The smallest part S3 accepts, except for the last one. */
  public static final long MIN_PART_SIZE = 5L << 20;
  /** The largest part S3 accepts. */
  public static final long MAX_PART_SIZE = 5L << 30;

  public S3Options {
    Objects.requireNonNull(bucket, "bucket");
    if (bucket.isEmpty() || bucket.contains("/")) {
      throw new IllegalArgumentException("not a bucket name: '" + bucket + "'");
    }
    new ObjectKeys(prefix); // checks the prefix
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(readTimeout, "readTimeout");
    if (minTransferRate < 1) {
      throw new IllegalArgumentException("minTransferRate must be positive: " + minTransferRate);
    }
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new IllegalArgumentException("maxAttempts must be 1 to 10: " + maxAttempts);
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "partSize must be " + MIN_PART_SIZE + " to " + MAX_PART_SIZE + " bytes: " + partSize);
    }
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(blobs, "blobs");
  }

  /**
   * {@code bucket} under {@code prefix} on AWS with the SDK's default credentials: 5 s to connect,
   * 30 s per request and per silence, 1 MiB/s at least, 3 attempts, 16 MiB parts.
   */
  public static S3Options of(String bucket, String prefix) {
    return new S3Options(
        bucket, prefix, Optional.empty(), Optional.empty(), false, Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofSeconds(30), 1L << 20, 3, 16L << 20,
        DefaultCredentialsProvider.builder().build(), BlobStoreOptions.defaults());
  }

  /**
   * The defaults of {@link #of} for {@code s3://BUCKET[/PREFIX]}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code uri}
   */
  public static S3Options parse(String uri) {
    if (!uri.startsWith("s3://")) {
      throw new IllegalArgumentException("not an s3://BUCKET[/PREFIX] address: " + uri);
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return of(bucket, prefix);
  }

  public S3Options withEndpoint(URI uri) {
    return new S3Options(bucket, prefix, Optional.of(uri), region, pathStyle, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, maxAttempts, partSize, credentials, blobs);
  }

  public S3Options withRegion(String name) {
    return new S3Options(bucket, prefix, endpoint, Optional.of(name), pathStyle, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, maxAttempts, partSize, credentials, blobs);
  }

  /** These options with path-style addressing ({@code http://host/bucket/key}). */
  public S3Options withPathStyle() {
    return new S3Options(bucket, prefix, endpoint, region, true, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, maxAttempts, partSize, credentials, blobs);
  }

  public S3Options withTimeouts(Duration connect, Duration request, Duration read) {
    return new S3Options(bucket, prefix, endpoint, region, pathStyle, connect, request, read,
        minTransferRate, maxAttempts, partSize, credentials, blobs);
  }

  public S3Options withMaxAttempts(int attempts) {
    return new S3Options(bucket, prefix, endpoint, region, pathStyle, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, attempts, partSize, credentials, blobs);
  }

  public S3Options withPartSize(long bytes) {
    return new S3Options(bucket, prefix, endpoint, region, pathStyle, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, maxAttempts, bytes, credentials, blobs);
  }

  public S3Options withCredentials(AwsCredentialsProvider provider) {
    return new S3Options(bucket, prefix, endpoint, region, pathStyle, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, maxAttempts, partSize, provider, blobs);
  }

  public S3Options withBlobs(BlobStoreOptions options) {
    return new S3Options(bucket, prefix, endpoint, region, pathStyle, connectTimeout,
        requestTimeout, readTimeout, minTransferRate, maxAttempts, partSize, credentials, options);
  }

  /** How long an upload of {@code bytes} may take per attempt. */
  Duration transferTimeout(long bytes) {
    return requestTimeout.plusSeconds(bytes / minTransferRate);
  }

  /** {@code s3://bucket/prefix}, for messages. */
  String location() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}

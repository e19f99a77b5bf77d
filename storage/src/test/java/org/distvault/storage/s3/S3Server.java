package org.distvault.storage.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: s3proxy (from Maven Central) run as its own {@code java -jar}
 * process on a free loopback port, storing objects as files under a directory, checking AWS
 * signatures against a fixed test identity, with path-style URLs.
 *
 * <p>A separate process keeps s3proxy's Jetty and Jackson off the test classpath, and lets fault
 * tests stop, hang ({@link #pause}) and restart it on the same port and data. Every wait is
 * bounded. Not thread-safe; close it in {@code @AfterAll}. Public, and in the storage test jar,
 * for the server module's tests.
 */
public final class S3Server implements AutoCloseable {
  public static final String IDENTITY = "distvault-test";
  public static final String CREDENTIAL = "distvault-test-credential";
  public static final Region REGION = Region.US_EAST_1;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final Path jar;
  private int port;
  private Process process;
  private boolean paused;
  private Duration lastStart = Duration.ZERO;

  private S3Server(Path dir, Path jar) {
    this.dir = dir;
    this.jar = jar;
  }

  /**
   * Starts s3proxy with its objects and log under {@code dir}, on a free port; returns once it
   * answers HTTP.
   */
  public static S3Server start(Path dir) throws IOException {
    String jarPath = System.getProperty("distvault.s3proxy.jar", "target/s3proxy/s3proxy.jar");
    Path jar = Path.of(jarPath).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no s3proxy jar at " + jar + ": the storage build copies it there (mvn test-compile)");
    }
    S3Server s = new S3Server(dir, jar);
    Files.createDirectories(s.objectsDir());
    IOException last = null;
    // A free port may be taken between the probe and s3proxy's bind: try a few.
    for (int attempt = 0; attempt < 3; attempt++) {
      s.port = freePort();
      try {
        s.launch();
        return s;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Where s3proxy keeps objects: {@code <dir>/objects/<bucket>/<key>}. */
  public Path objectsDir() {
    return dir.resolve("objects");
  }

  /** How long the last start took until s3proxy answered. */
  public Duration lastStart() {
    return lastStart;
  }

  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL));
  }

  /** A plain SDK client for the tests' own look at the bucket; the caller closes it. */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(credentials())
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  public void createBucket(String bucket) {
    try (S3Client c = client()) {
      c.createBucket(b -> b.bucket(bucket));
    }
  }

  /** Every key in {@code bucket} under {@code prefix}, in order. */
  public List<String> keys(String bucket, String prefix) {
    try (S3Client c = client()) {
      return c.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
          .map(o -> o.key())
          .toList();
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL); the data stays. Connections are then refused. */
  public void stop() {
    if (process == null) {
      return;
    }
    if (paused) {
      resume();
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("s3proxy pid " + process.pid() + " did not stop");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping s3proxy", e);
    }
    process = null;
  }

  /** Starts it again on the same port with the same objects. */
  public void restart() throws IOException {
    stop();
    launch();
  }

  /**
   * Freezes the process (SIGSTOP): the kernel still accepts connections, but nothing answers, as
   * with a hung or overloaded server.
   */
  public void pause() {
    signal("-STOP");
    paused = true;
  }

  /** Lets a paused process go on (SIGCONT). */
  public void resume() {
    signal("-CONT");
    paused = false;
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() throws IOException {
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint(),
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + IDENTITY,
            "s3proxy.credential=" + CREDENTIAL,
            "jclouds.provider=filesystem-nio2",
            "jclouds.identity=local",
            "jclouds.credential=local",
            "jclouds.filesystem.basedir=" + objectsDir(),
            ""),
        StandardCharsets.UTF_8);
    Path log = dir.resolve("s3proxy.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long t0 = System.nanoTime();
    process =
        new ProcessBuilder(
                java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-DLOG_LEVEL=warn",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-jar", jar.toString(), "--properties", props.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      awaitAnswer(log);
    } catch (IOException | RuntimeException e) {
      stop();
      throw e;
    }
    lastStart = Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Polls until any HTTP answer comes back (403 without credentials is an answer). */
  private void awaitAnswer(Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(endpoint().resolve("/")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "s3proxy exited with " + process.exitValue() + " on port " + port + "; log:\n"
                + tail(log));
      }
      try {
        http.send(probe, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for s3proxy", e);
      }
    }
    throw new IOException(
        "s3proxy did not answer on port " + port + " within " + START_TIMEOUT + "; log:\n"
            + tail(log));
  }

  private void signal(String sig) {
    if (process == null) {
      throw new IllegalStateException("s3proxy is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling s3proxy", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for s3proxy", e);
    }
  }
}

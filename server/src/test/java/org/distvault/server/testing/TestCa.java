package org.distvault.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made with the real {@code openssl} for one test: a CA, a server
 * certificate for {@code 127.0.0.1} and {@code localhost} signed by it, and its key in the forms
 * servers meet (PKCS#8 RSA and EC, the older PKCS#1, encrypted), each in its own file under DIR.
 */
public final class TestCa {
  private final Path dir;

  private TestCa(Path dir) {
    this.dir = dir;
  }

  /** Makes the CA and an RSA server certificate under {@code dir}. */
  public static TestCa create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    TestCa ca = new TestCa(dir);
    ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=distvault test CA");
    ca.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1");
    ca.sign("server.csr", "server.pem");
    return ca;
  }

  /** The CA's certificate: what clients trust. */
  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  /** The server's certificate, signed by the CA. */
  public Path serverCert() {
    return dir.resolve("server.pem");
  }

  /** The server's RSA key, PKCS#8 ({@code BEGIN PRIVATE KEY}). */
  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** An EC server certificate and its PKCS#8 key: {cert, key}. */
  public Path[] ecServer() throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve("ec.pem"))) {
      openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ec.key",
          "-out", "ec.csr", "-subj", "/CN=127.0.0.1");
      sign("ec.csr", "ec.pem");
    }
    return new Path[] {dir.resolve("ec.pem"), dir.resolve("ec.key")};
  }

  /** The server key in the older PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}). */
  public Path pkcs1Key() throws IOException, InterruptedException {
    openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
    return dir.resolve("server-pkcs1.key");
  }

  /** The server key encrypted with a pass phrase. */
  public Path encryptedKey() throws IOException, InterruptedException {
    openssl("pkcs8", "-topk8", "-in", "server.key", "-v2", "aes-256-cbc", "-passout", "pass:secret",
        "-out", "server-encrypted.key");
    return dir.resolve("server-encrypted.key");
  }

  /** Another RSA key, which belongs to no certificate here. */
  public Path otherKey() throws IOException, InterruptedException {
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "other.key");
    return dir.resolve("other.key");
  }

  private void sign(String csr, String out) throws IOException, InterruptedException {
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        + "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    openssl("x509", "-req", "-in", csr, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", out,
        "-days", "2", "-extfile", "server.ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("openssl " + String.join(" ", args) + " failed: "
          + new String(output, StandardCharsets.UTF_8));
    }
  }
}

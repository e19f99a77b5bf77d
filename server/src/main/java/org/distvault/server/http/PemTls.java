package org.distvault.server.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.distvault.prefetch.client.PemCertificates;

/**
 * The server's TLS identity from PEM files ({@code serve --tls-cert FILE --tls-key FILE}), as
 * certbot, acme.sh and {@code openssl req} write them: the certificate file holds the server's
 * certificate first and then its chain; the key file an unencrypted PKCS#8 key ({@code BEGIN
 * PRIVATE KEY}; RSA, EC or Ed25519). Every problem is found at start, not at the first handshake:
 * a missing file, no certificate, a key in another format (with the command that converts it),
 * or a key that does not belong to the certificate.
 */
public final class PemTls {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemTls() {}

  /**
   * An SSLContext serving the certificate chain in {@code certFile} with the key in {@code keyFile}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static SSLContext context(Path certFile, Path keyFile) {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    checkPair(chain.get(0), key, certFile, keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("distvault", key, password, chain.toArray(new Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot use " + certFile + " with " + keyFile + ": " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(Path file) {
    return PemCertificates.read(file);
  }

  static PrivateKey privateKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(file, Base64.getMimeDecoder().decode(m.group(2)));
        case "RSA PRIVATE KEY", "EC PRIVATE KEY":
          throw new IllegalArgumentException(file + ": a " + type + " block (the older OpenSSL format); convert it "
              + "with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem");
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(file + ": the key is encrypted; the server starts unattended, so give "
              + "it an unencrypted key readable only by its user: openssl pkcs8 -in " + file + " -out KEY.pem");
        default:
          break; // e.g. EC PARAMETERS before the key
      }
    }
    throw new IllegalArgumentException(file + ": no private key (expected PEM: -----BEGIN PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(file + ": the PRIVATE KEY block is not an RSA, EC or Ed25519 key");
  }

  /** Signs a nonce with the key and verifies it with the certificate, so a mismatch fails at start. */
  private static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519 and Ed448 name their own signature
    };
    boolean match;
    try {
      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(nonce);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(nonce);
      match = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      match = false;
    }
    if (!match) {
      throw new IllegalArgumentException("the key in " + keyFile + " does not belong to the certificate in "
          + certFile + " (" + cert.getSubjectX500Principal().getName() + ")");
    }
  }
}

package org.distvault.prefetch.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * X.509 certificates from a PEM file (one or more {@code BEGIN CERTIFICATE} blocks): a server's
 * chain, or the CAs a client trusts ({@code --ca-file}).
 */
public final class PemCertificates {
  private PemCertificates() {}

  /**
   * The certificates in {@code file}, in order.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static List<X509Certificate> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      // Checked first: the parser reads any PEM block as a certificate and then fails obscurely.
      if (!Files.readString(file, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
        throw new IllegalArgumentException(file + ": no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
      }
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).toList();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  /**
   * A client TLS context that trusts exactly the certificates in {@code caFile} (as curl's
   * {@code --cacert} does), for a server whose certificate a private CA signed.
   */
  public static SSLContext trusting(Path caFile) {
    List<X509Certificate> cas = read(caFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(caFile + ": cannot trust these certificates: " + e.getMessage(), e);
    }
  }
}

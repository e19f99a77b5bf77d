package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.distvault.server.testing.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as openssl writes them: what is taken, and what is refused at start with a reason. */
class PemTlsTest {
  @TempDir static Path dir;
  static TestCa ca;

  @BeforeAll
  static void makeCa() throws Exception {
    ca = TestCa.create(dir.resolve("ca"));
  }

  @Test
  void takesAnRsaAndAnEcKeyWithTheirCertificates() throws Exception {
    SSLContext rsa = PemTls.context(ca.serverCert(), ca.serverKey());
    assertEquals("TLS", rsa.getProtocol());
    Path[] ec = ca.ecServer();
    assertEquals("TLS", PemTls.context(ec[0], ec[1]).getProtocol());
  }

  @Test
  void takesACertificateFileWithItsChain() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, Files.readString(ca.serverCert()) + Files.readString(ca.caCert()));
    assertEquals(2, PemTls.certificates(chain).size());
    PemTls.context(chain, ca.serverKey());
  }

  @Test
  void refusesAKeyOfAnotherCertificate() throws Exception {
    Path other = ca.otherKey();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PemTls.context(ca.serverCert(), other));
    assertEquals("the key in " + other + " does not belong to the certificate in " + ca.serverCert()
        + " (CN=127.0.0.1)", e.getMessage());
  }

  @Test
  void refusesTheOlderKeyFormatNamingTheConversion() throws Exception {
    Path pkcs1 = ca.pkcs1Key();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PemTls.context(ca.serverCert(), pkcs1));
    assertEquals(pkcs1 + ": a RSA PRIVATE KEY block (the older OpenSSL format); convert it with: openssl pkcs8 "
        + "-topk8 -nocrypt -in " + pkcs1 + " -out KEY.pem", e.getMessage());
  }

  @Test
  void refusesAnEncryptedKey() throws Exception {
    Path encrypted = ca.encryptedKey();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PemTls.context(ca.serverCert(), encrypted));
    assertTrue(e.getMessage().startsWith(encrypted + ": the key is encrypted;"), e.getMessage());
  }

  @Test
  void namesMissingAndWrongFiles() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertEquals(missing + ": no such file", assertThrows(IllegalArgumentException.class,
        () -> PemTls.context(missing, ca.serverKey())).getMessage());
    assertEquals(missing + ": no such file", assertThrows(IllegalArgumentException.class,
        () -> PemTls.context(ca.serverCert(), missing)).getMessage());
    // The certificate given as the key, and the key as the certificate.
    assertEquals(ca.serverCert() + ": no private key (expected PEM: -----BEGIN PRIVATE KEY-----)",
        assertThrows(IllegalArgumentException.class,
            () -> PemTls.context(ca.serverCert(), ca.serverCert())).getMessage());
    assertEquals(ca.serverKey() + ": no certificate (expected PEM: -----BEGIN CERTIFICATE-----)",
        assertThrows(IllegalArgumentException.class,
            () -> PemTls.context(ca.serverKey(), ca.serverKey())).getMessage());
  }
}

package org.distvault.prefetch.client;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of a client that never speaks TLS: one for a plain {@code http://} server,
 * which follows no redirect. {@code java.net.http} builds a TLS context for every client, the
 * JVM's default unless given one, and the default reads and parses the JDK's whole CA store (some
 * 0.1 s of each client subcommand's start, ops/bench/README.md). This one trusts no certificate,
 * so a TLS connection it were ever asked to make would fail rather than trust anybody.
 */
final class NoTls {
  /** Its only trust manager: refuses every certificate. */
  static final X509TrustManager TRUSTING_NONE = new TrustingNone();

  private NoTls() {}

  static SSLContext context() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {TRUSTING_NONE}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS context: " + e, e);
    }
  }

  private static final class TrustingNone implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("this client trusts no certificate: it talks to an http:// server only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("this client trusts no certificate: it talks to an http:// server only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

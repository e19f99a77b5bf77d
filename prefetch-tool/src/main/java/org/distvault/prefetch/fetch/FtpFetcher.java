package org.distvault.prefetch.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

/**
 * Fetches {@code ftp:} URLs with Apache Commons Net: anonymous login (or the URL's user info),
 * passive mode, binary type, a SIZE check before the transfer when the server supports it.
 *
 * <p>The URL path is percent-decoded and taken relative to the login directory, as RFC 1738 and
 * curl do. Thread-safe: every call uses its own control connection.
 */
public final class FtpFetcher implements Fetcher {
  private final FetchSettings settings;

  public FtpFetcher(FetchSettings settings) {
    this.settings = settings;
  }

  @Override
  public FetchResult fetch(FetchRequest request, OutputStream sink) throws FetchFailure, InterruptedException {
    URI url = request.url();
    String peer = url.getHost() + ":" + (url.getPort() < 0 ? 21 : url.getPort());
    String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "");
    if (path.isEmpty()) {
      throw FetchFailure.of(FailureKind.PROTOCOL, "FTP URL without a file path: " + url);
    }
    FTPClient ftp = new FTPClient();
    ftp.setConnectTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
    ftp.setDefaultTimeout(Math.toIntExact(settings.idleTimeout().toMillis()));
    ftp.setDataTimeout(settings.idleTimeout());
    try {
      connect(ftp, url, peer);
      login(ftp, url);
      ftp.enterLocalPassiveMode();
      if (!ftp.setFileType(FTP.BINARY_FILE_TYPE)) {
        throw replyFailure(ftp, "TYPE I", url);
      }
      BodyCopier copier = new BodyCopier(peer, url.toString(), settings.idleTimeout());
      long announced = size(ftp, path, url);
      copier.checkAnnounced(announced, request.expectedSize());
      long limit = request.expectedSize().orElse(settings.maxUnknownSize());
      long n;
      try (InputStream in = ftp.retrieveFileStream(path)) {
        if (in == null) {
          throw replyFailure(ftp, "RETR", url);
        }
        n = copier.copy(in, sink, limit, null);
      }
      if (!ftp.completePendingCommand()) {
        throw replyFailure(ftp, "transfer", url);
      }
      copier.checkComplete(n, announced, request.expectedSize());
      return new FetchResult(n, url);
    } catch (SocketTimeoutException e) {
      throw FetchFailure.of(FailureKind.IDLE_TIMEOUT,
          "no reply from " + peer + " within " + BodyCopier.seconds(settings.idleTimeout()) + " (idle timeout)");
    } catch (IOException e) {
      throw FetchFailure.of(FailureKind.CONNECTION_LOST, "FTP connection to " + peer + " lost: " + e.getMessage());
    } finally {
      disconnect(ftp);
    }
  }

  private void connect(FTPClient ftp, URI url, String peer) throws FetchFailure, IOException {
    try {
      ftp.connect(url.getHost(), url.getPort() < 0 ? 21 : url.getPort());
    } catch (SocketTimeoutException e) {
      throw FetchFailure.of(FailureKind.CONNECT_TIMEOUT,
          "connect timeout to " + peer + " after " + BodyCopier.seconds(settings.connectTimeout()));
    } catch (UnknownHostException e) {
      throw FetchFailure.of(FailureKind.CONNECT_FAILED, "unknown host " + url.getHost());
    } catch (ConnectException e) {
      throw FetchFailure.of(FailureKind.CONNECT_FAILED, "cannot connect to " + peer + ": " + e.getMessage());
    }
    if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
      throw replyFailure(ftp, "greeting", url);
    }
  }

  private static void login(FTPClient ftp, URI url) throws FetchFailure, IOException {
    String user = "anonymous";
    String password = "distvault@";
    String info = url.getUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      user = colon < 0 ? info : info.substring(0, colon);
      password = colon < 0 ? "" : info.substring(colon + 1);
    }
    if (!ftp.login(user, password)) {
      throw replyFailure(ftp, "login as " + user, url);
    }
  }

  /** The SIZE reply in bytes, or -1 when the server does not support SIZE. */
  private static long size(FTPClient ftp, String path, URI url) throws FetchFailure, IOException {
    String size = ftp.getSize(path);
    if (size != null) {
      try {
        return Long.parseLong(size.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    int code = ftp.getReplyCode();
    if (code == FTPReply.FILE_UNAVAILABLE) {
      throw replyFailure(ftp, "SIZE", url);
    }
    return -1; // 500/502: SIZE not implemented; the transfer decides
  }

  private static FetchFailure replyFailure(FTPClient ftp, String step, URI url) {
    int code = ftp.getReplyCode();
    String reply = Optional.ofNullable(ftp.getReplyString()).orElse("").trim().replaceAll("\\s+", " ");
    String reason = "FTP " + step + " failed at " + url + ": " + reply;
    if (code == FTPReply.SERVICE_NOT_AVAILABLE) {
      return FetchFailure.rateLimited(reason, Optional.empty());
    }
    if (code == FTPReply.FILE_UNAVAILABLE) {
      return FetchFailure.of(FailureKind.NOT_FOUND, reason);
    }
    if (code == FTPReply.TRANSFER_ABORTED || code == FTPReply.CANNOT_OPEN_DATA_CONNECTION) {
      return FetchFailure.of(FailureKind.CONNECTION_LOST, reason);
    }
    if (FTPReply.isNegativeTransient(code)) {
      return FetchFailure.of(FailureKind.PROTOCOL, reason, Retry.RETRY_HOST_LATER);
    }
    return FetchFailure.of(FailureKind.PROTOCOL, reason);
  }

  private static void disconnect(FTPClient ftp) {
    if (!ftp.isConnected()) {
      return;
    }
    try {
      ftp.logout();
    } catch (IOException e) {
      // The fetch already succeeded or failed; a failed QUIT changes nothing.
    }
    try {
      ftp.disconnect();
    } catch (IOException e) {
      // Closing the control socket of a finished session; nothing to report.
    }
  }
}

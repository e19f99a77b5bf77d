package org.distvault.server.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import org.xnio.Options;
import java.net.URI;

/**
 * A running Undertow HTTP listener configured for distfile serving; closing it stops the server.
 *
 * <p>URL decoding is off ({@code UndertowOptions.DECODE_URL=false}): names are matched as sent,
 * and {@link DistfileRoutes} decodes them itself. Undertow's own parser still answers some hostile
 * request lines with an empty 400 before any handler runs (raw backslash, control or non-ASCII
 * bytes, {@code #}, invalid percent escapes).
 */
public final class HttpServing implements AutoCloseable {
  private final Undertow undertow;
  private final InetSocketAddress address;

  private HttpServing(Undertow undertow, InetSocketAddress address) {
    this.undertow = undertow;
    this.address = address;
  }

  /** Serves the distfile routes over {@code source}. */
  public static HttpServing serve(BlobSource source, ServingConfig config) {
    return start(new DistfileRoutes(source), config);
  }

  /** Starts a listener running {@code handler}, e.g. a {@link DistfileRoutes} chained to more routes. */
  public static HttpServing start(HttpHandler handler, ServingConfig config) {
    int timeoutMillis = (int) config.idleTimeout().toMillis();
    Undertow undertow = Undertow.builder()
        .addHttpListener(config.port(), config.host())
        .setServerOption(UndertowOptions.DECODE_URL, false)
        // UndertowOptions.IDLE_TIMEOUT has no effect on HTTP/1.1 connections in Undertow 2.4.4 (the
        // idle conduit is installed without a timeout). XNIO's WRITE_TIMEOUT must be a socket
        // option to reach accepted connections; it cuts a client that stops reading.
        .setSocketOption(Options.WRITE_TIMEOUT, timeoutMillis)
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, timeoutMillis)
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, timeoutMillis)
        .setHandler(handler)
        .build();
    undertow.start();
    InetSocketAddress bound = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    return new HttpServing(undertow, bound);
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code http://host:port/}. */
  public URI baseUri() {
    return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/");
  }

  @Override
  public void close() {
    undertow.stop();
  }
}

package org.distvault.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.distvault.server.bench.DirectoryBlobSource;
import org.distvault.server.http.HttpServing;
import org.distvault.server.http.ServingConfig;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * Serves a directory through the distfile routes until killed; used by {@code ops/bench/serve-bench.sh}.
 *
 * <p>Usage: {@code ServeDirectoryMain DIR [HOST:PORT]} (default {@code 127.0.0.1:0}). When ready it
 * prints one line to stdout, {@code listening http://HOST:PORT/ files=N}; logs go to stderr. Exit
 * code 2 on bad usage.
 */
public final class ServeDirectoryMain {
  private ServeDirectoryMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: ServeDirectoryMain DIR [HOST:PORT]   (DIR must be a directory)");
      System.exit(2);
    }
    String listen = args.length == 2 ? args[1] : "127.0.0.1:0";
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      System.err.println("bad listen address '" + listen + "': expected HOST:PORT");
      System.exit(2);
    }
    ServingConfig config;
    try {
      int port = Integer.parseInt(listen.substring(colon + 1));
      config = new ServingConfig(listen.substring(0, colon), port, ServingConfig.DEFAULT_IDLE_TIMEOUT);
    } catch (IllegalArgumentException e) { // includes NumberFormatException
      System.err.println("bad listen address '" + listen + "': " + e.getMessage());
      System.exit(2);
      return;
    }
    DirectoryBlobSource source = DirectoryBlobSource.scan(Path.of(args[0]), EnumSet.of(DigestAlgorithm.SHA256));
    HttpServing serving = HttpServing.serve(source, config);
    // Runs until the JVM is told to stop (SIGTERM/SIGINT); the hook stops Undertow.
    Runtime.getRuntime().addShutdownHook(new Thread(serving::close, "stop-serving"));
    System.out.println("listening " + serving.baseUri() + " files=" + source.size());
    System.out.flush();
  }
}

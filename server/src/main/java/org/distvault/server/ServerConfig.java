package org.distvault.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.http.ConnectionPolicy;
import org.distvault.server.http.ServingConfig;
import org.distvault.server.mode.Mode;
import org.distvault.server.trap.TrapConfig;

/**
 * How to run a distvault server ({@code distvault serve}).
 *
 * @param dataDir the data directory (blobs, catalog, logs, default token file)
 * @param host the address to listen on
 * @param port the TCP port; 0 picks a free one
 * @param mode the mode to set at start, if given; otherwise the persisted one (online for a new store)
 * @param adminTokenFile the admin token file; empty for {@code DATA/admin.token}
 * @param upstream whether online misses may be fetched from upstream (read-through; not built yet)
 * @param drainTimeout how long stopping waits for requests in flight
 * @param clock times violations, mode changes and seals
 * @param trap the egress trap proxy to run beside the server, if any ({@code --trap-proxy})
 * @param connections the HTTP listener's connection bounds and timeouts ({@code --max-connections},
 *     {@code --idle-timeout}, ...)
 * @param exposure TLS, a separate admin listener and the allowed client addresses
 * @param accessLog the access log file ({@code --access-log}), if any
 * @param blobStore where the blobs live when not in {@code DATA/blobs/} ({@code --blob-store}); the
 *     catalog, state, seals and logs stay in {@code dataDir}
 * @param replicaOf the set whose published seal this server serves, read-only, from the bucket of
 *     {@code blobStore} ({@code --replica-of}, {@code --set}, {@code --poll}); empty for a primary
 */
public record ServerConfig(
    Path dataDir,
    String host,
    int port,
    Optional<Mode> mode,
    Optional<Path> adminTokenFile,
    boolean upstream,
    Duration drainTimeout,
    Clock clock,
    Optional<TrapConfig> trap,
    ConnectionPolicy connections,
    Exposure exposure,
    Optional<Path> accessLog,
    Optional<S3Store> blobStore,
    Optional<ReplicaOf> replicaOf) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  public ServerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(adminTokenFile, "adminTokenFile");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(trap, "trap");
    Objects.requireNonNull(connections, "connections");
    Objects.requireNonNull(exposure, "exposure");
    Objects.requireNonNull(accessLog, "accessLog");
    Objects.requireNonNull(blobStore, "blobStore");
    Objects.requireNonNull(replicaOf, "replicaOf");
    if (replicaOf.isPresent() && blobStore.isEmpty()) {
      throw new IllegalArgumentException("a replica needs the bucket it follows as its blob store");
    }
    new ServingConfig(host, port, connections, drainTimeout, ServingConfig.DEFAULT_WORKER_THREADS, // validates
        Optional.empty());
  }

  /**
   * The defaults of {@code serve} for {@code dataDir}: 127.0.0.1:8080, the persisted mode, the
   * default token file, no upstream, the default drain timeout, the UTC clock, the default
   * connection bounds and timeouts.
   */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(dataDir, DEFAULT_HOST, DEFAULT_PORT, Optional.empty(), Optional.empty(), false,
        ServingConfig.DEFAULT_DRAIN_TIMEOUT, Clock.systemUTC(), Optional.empty(), ConnectionPolicy.DEFAULTS,
        Exposure.DEFAULT, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** This config with the mode to set at start. */
  public ServerConfig withMode(Mode m) {
    return new ServerConfig(dataDir, host, port, Optional.of(m), adminTokenFile, upstream, drainTimeout, clock, trap,
        connections, exposure, accessLog, blobStore, replicaOf);
  }

  /** This config with another token file. */
  public ServerConfig withTokenFile(Path file) {
    return new ServerConfig(dataDir, host, port, mode, Optional.of(file), upstream, drainTimeout, clock, trap,
        connections, exposure, accessLog, blobStore, replicaOf);
  }

  /** This config with online read-through from upstream URLs on or off. */
  public ServerConfig withUpstream(boolean on) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, on, drainTimeout, clock, trap,
        connections, exposure, accessLog, blobStore, replicaOf);
  }

  /** This config listening on {@code p} (0: any free port). */
  public ServerConfig withPort(int p) {
    return new ServerConfig(dataDir, host, p, mode, adminTokenFile, upstream, drainTimeout, clock, trap,
        connections, exposure, accessLog, blobStore, replicaOf);
  }

  /** This config with an egress trap proxy beside the server. */
  public ServerConfig withTrap(TrapConfig t) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, clock, Optional.of(t),
        connections, exposure, accessLog, blobStore, replicaOf);
  }

  /** This config with another clock (for tests: fixed times in logs and records). */
  public ServerConfig withClock(Clock c) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, c, trap,
        connections, exposure, accessLog, blobStore, replicaOf);
  }

  /** This config with an access log written to {@code file}. */
  public ServerConfig withAccessLog(Path file) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, clock, trap,
        connections, exposure, Optional.of(file), blobStore, replicaOf);
  }

  /** This config with its blobs in an S3-compatible bucket. */
  public ServerConfig withBlobStore(S3Store store) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, clock, trap,
        connections, exposure, accessLog, Optional.of(store), replicaOf);
  }

  /** This config as a replica of the published seal of {@code replica.set()} in its blob store's bucket. */
  public ServerConfig withReplicaOf(ReplicaOf replica) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, clock, trap,
        connections, exposure, accessLog, blobStore, Optional.of(replica));
  }

  /** The token file to use: the given one or {@code DATA/admin.token}. */
  public Path tokenFile() {
    return adminTokenFile.orElse(dataDir.resolve("admin.token"));
  }

  /** This config with other connection bounds and timeouts. */
  public ServerConfig withConnections(ConnectionPolicy c) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, clock, trap, c, exposure,
        accessLog, blobStore, replicaOf);
  }

  /** This config with TLS, an admin listener or an allow-list. */
  public ServerConfig withExposure(Exposure e) {
    return new ServerConfig(dataDir, host, port, mode, adminTokenFile, upstream, drainTimeout, clock, trap,
        connections, e, accessLog, blobStore, replicaOf);
  }

  ServingConfig serving() {
    // The trap proxy, started after the listener, holds two sockets per tunnel, and its own; the
    // admin listener its connections and its own.
    int trapDescriptors = trap.map(t -> 2 * t.maxConnections() + 1).orElse(0);
    int adminDescriptors = exposure.adminListen().isPresent() ? Exposure.ADMIN_CONNECTIONS + 1 : 0;
    ServingConfig serving = new ServingConfig(host, port, connections.reserving(trapDescriptors + adminDescriptors),
        drainTimeout, ServingConfig.DEFAULT_WORKER_THREADS, Optional.empty());
    return exposure.tls().map(serving::withTls).orElse(serving);
  }

  /** The admin listener's, when {@code /api/v1/} has one of its own: few connections, the same timeouts and TLS. */
  Optional<ServingConfig> adminServing() {
    return exposure.adminListen().map(a -> {
      ConnectionPolicy policy = new ConnectionPolicy(connections.idleTimeout(), connections.requestHeadTimeout(),
          connections.sendTimeout(), Exposure.ADMIN_CONNECTIONS, Exposure.ADMIN_CONNECTIONS, 0);
      ServingConfig serving = new ServingConfig(a.getHostString(), a.getPort(), policy, drainTimeout,
          ServingConfig.DEFAULT_WORKER_THREADS, Optional.empty());
      return exposure.tls().map(serving::withTls).orElse(serving);
    });
  }
}

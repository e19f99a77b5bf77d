package org.distvault.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.prefetch.client.BadTokenFileException;
import org.distvault.server.DistvaultServer;
import org.distvault.server.Exposure;
import org.distvault.server.Housekeeping;
import org.distvault.server.ReplicaOf;
import org.distvault.server.S3Store;
import org.distvault.server.ServerConfig;
import org.distvault.server.accesslog.UnwritableAccessLogException;
import org.distvault.server.health.HealthSettings;
import org.distvault.server.http.AddressRanges;
import org.distvault.server.http.ConnectionPolicy;
import org.distvault.server.http.PemTls;
import org.distvault.server.mode.Mode;
import org.distvault.server.status.StatusAccess;
import org.distvault.server.trap.AllowList;
import org.distvault.server.trap.TrapConfig;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.vault.StoreDamagedException;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distvault serve}: runs the server until SIGTERM or SIGINT, then stops gracefully. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    // The first line is the summary in the command list; picocli wraps each paragraph at words.
    description = {
        "Runs the distfile cache server until SIGTERM or SIGINT.",
        "Serves /distfiles/, /pkg/<PKGPATH>/ (both also under /set/<set>/ for one source set), /by-hash/, "
            + "the admin API under /api/v1/, /metrics and "
            + "/healthz. Prints the listening URL, the admin token file and the MASTER_SITE_OVERRIDE line for "
            + "the build hosts' mk.conf on stdout; logs go to stderr. On SIGTERM or SIGINT it stops taking "
            + "requests, drains those in flight (--drain-timeout) and closes the store.",
        "With --trap-proxy it also runs the egress trap proxy: an HTTP proxy for the build environment that "
            + "refuses every download (403) and records it as an egress violation, except CONNECT tunnels to "
            + "--trap-allow hosts."})
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  // Read by ServeDefaults, which supplies the other options' defaults from it.
  @Option(names = "--config", paramLabel = "FILE",
      description = "Read defaults for these flags from a properties file: one 'flag-name = value' per line, the "
          + "long flag name without dashes (listen = 0.0.0.0:8080, upstream = false, trap-allow = a:1, b:2). "
          + "DISTVAULT_<FLAG> environment variables (DISTVAULT_MAX_CONNECTIONS) override the file, flags "
          + "override both; see docs/cli.md")
  Path config;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data",
      description = "Data directory: blobs, catalog, logs (default: ${DEFAULT-VALUE})")
  Path data;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      converter = ListenAddress.Converter.class,
      description = "Address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE})")
  ListenAddress listen;

  @Option(names = "--mode", paramLabel = "online|offline", converter = ModeConverter.class,
      description = "Set this mode at start (audited); default: keep the stored mode (a new store starts online)")
  Mode mode;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "Admin token file; created with a random token, mode 0600, if missing (default: DATA/admin.token)")
  Path adminTokenFile;

  @Option(names = "--upstream", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Online read-through (default on): an online miss of a catalogued distfile is fetched "
          + "from its upstream URLs, verified, stored and served. --no-upstream answers 404 instead. "
          + "Offline mode never connects anywhere.")
  boolean upstream;

  @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "On shutdown, how long to wait for requests in flight (default: ${DEFAULT-VALUE})")
  long drainSeconds;

  @Option(names = "--recover",
      description = "Rebuild a lost or damaged catalog (DATA/index, moved aside, not deleted) from the blob "
          + "files (with --blob-store: every object under PREFIX/blobs/, read back and re-hashed), "
          + "DATA/log/violations.jsonl and the sealed listing in DATA/seals/, then serve. A sealed "
          + "store comes up sealed. What could not be rebuilt is logged. Without it, serve refuses (exit 1) "
          + "to start on a catalog that is missing, another store's, or rolled back.")
  boolean recover;

  // Connection bounds and timeouts; the defaults are ConnectionPolicy.DEFAULTS (see docs/cli.md).
  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Close a connection that has not started a request for this long, new or kept alive "
          + "(default: ${DEFAULT-VALUE})")
  long idleSeconds;

  @Option(names = "--request-head-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Close a connection whose request head is not complete this long after it started "
          + "(default: ${DEFAULT-VALUE})")
  long headSeconds;

  @Option(names = "--send-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Close a connection whose client takes no response bytes for this long (default: ${DEFAULT-VALUE})")
  long sendSeconds;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Connections open at once; more are answered 503 and closed (default: what the file "
          + "descriptor limit leaves room for after a reserve, at most " + ConnectionPolicy.AUTO_CAP + ")")
  Integer maxConnections;

  @Option(names = "--max-connections-per-client", paramLabel = "N", defaultValue = "128",
      description = "Connections open at once from one client IP address (default: ${DEFAULT-VALUE})")
  int maxConnectionsPerClient;

  @Option(names = "--trap-proxy", paramLabel = "HOST:PORT", converter = ListenAddress.Converter.class,
      description = "Also run the egress trap proxy on this address (port 0 picks a free one): build "
          + "environments use it as http_proxy/https_proxy; every attempt is refused and recorded as an "
          + "egress violation, attributed to the PKGPATH given as proxy user name")
  ListenAddress trapProxy;

  // split: so that one line of --config or one variable can list several.
  @Option(names = "--trap-allow", paramLabel = "HOST[:PORT]", converter = AllowEntryConverter.class,
      split = "\\s*,\\s*", splitSynopsisLabel = ",",
      description = "A host the trap proxy tunnels CONNECT requests to for real (e.g. distcc servers); "
          + "without a port, any port of it. Repeatable, or comma-separated")
  List<AllowList.Entry> trapAllow = new ArrayList<>();

  @Option(names = "--trap-allow-file", paramLabel = "FILE",
      description = "More --trap-allow entries, one HOST[:PORT] per line; # starts a comment")
  Path trapAllowFile;

  @Option(names = "--min-free-space", paramLabel = "SIZE", converter = ByteSizeConverter.class,
      description = "/healthz reports degraded (low_space) while less space than this is free on the data "
          + "directory's file system, e.g. 512M or 2G (default: 1G, or 5%% of the file system if less)")
  Long minFreeSpace;

  @Option(names = "--max-size", paramLabel = "SIZE", converter = ByteSizeConverter.class,
      description = "When the stored blobs exceed this size, e.g. 500G, collect garbage by itself, oldest first "
          + "and only as much as needed; live blobs are never deleted (default: no bound)")
  Long maxSize;

  @Option(names = "--keep-seals", paramLabel = "N", defaultValue = "2",
      description = "Seals per set whose blobs the garbage collections of --max-size keep (default: 2)")
  int keepSeals;

  @Option(names = "--scrub-every", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Scrub (re-hash every blob) by itself this long after the last scrub, e.g. 7d or 12h; the "
          + "time of the last scrub survives restarts (default: only when asked, distvault scrub)")
  Duration scrubEvery;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve HTTPS with this PEM certificate (the server's first, then its chain); needs --tls-key. "
          + "Applies to --listen and --admin-listen")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The unencrypted PEM private key (BEGIN PRIVATE KEY) of --tls-cert; keep it readable only by "
          + "the server's user")
  Path tlsKey;

  @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = ListenAddress.Converter.class,
      description = "Serve the admin API (/api/v1/) on this address only, e.g. 127.0.0.1:8081, and answer 404 for "
          + "it on --listen; /metrics and /healthz are on both (default: the admin API is on --listen)")
  ListenAddress adminListen;

  @Option(names = "--allow-from", paramLabel = "CIDR[,CIDR...]",
      description = "Serve only these client networks or addresses on --listen, e.g. 10.0.0.0/8,fd00::/8; "
          + "others get 403 (counted as outcome forbidden, not a violation). Default: every address")
  String allowFrom;

  @Option(names = "--status-page", paramLabel = "off|public|admin", converter = StatusAccessConverter.class,
      defaultValue = "public",
      description = "Who may see the status page (/, /status, /status.json): public shows counts and the names of "
          + "distfiles and packages to anyone --listen serves, client addresses only with the admin token; admin "
          + "needs the admin token (Bearer); off answers 404 (default: ${DEFAULT-VALUE})")
  StatusAccess statusPage;

  @Option(names = "--access-log", paramLabel = "FILE|off", defaultValue = "off",
      description = "Write one line per request to FILE: the common log format, then the PKGPATH and the set "
          + "(- when the route has none); written by a thread of its own, reopened for every group of lines so "
          + "that logrotate can rename it (default: ${DEFAULT-VALUE})")
  String accessLog;

  @Option(names = "--blob-store", paramLabel = "s3://BUCKET[/PREFIX]",
      description = "Keep the blobs as objects PREFIX/blobs/sha512/ab/cd/<hex> in this S3-compatible bucket (AWS S3, "
          + "Ceph RGW, MinIO, Garage) instead of DATA/blobs/; the catalog, state, seals and logs stay in --data. "
          + "Needs --cache-dir and --cache-size. Credentials come from the standard AWS_ACCESS_KEY_ID/"
          + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE and profile files, never from flags (default: DATA/blobs/)")
  String blobStore;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "The S3 endpoint of --blob-store, for anything but AWS, e.g. http://minio.example:9000")
  String s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION",
      description = "The signing region of --blob-store (default: AWS_REGION or the profile's, else us-east-1)")
  String s3Region;

  @Option(names = "--s3-path-style",
      description = "Address the bucket in the URL path (http://host/bucket/key), as most self-hosted S3 servers "
          + "want, instead of as a host name")
  boolean s3PathStyle;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "With --blob-store: the local cache tier of verified blob files, served zero-copy; a hit costs "
          + "no request to the bucket")
  Path cacheDir;

  @Option(names = "--cache-size", paramLabel = "SIZE", converter = ByteSizeConverter.class,
      description = "With --blob-store: the cache tier's bound, e.g. 200G, least recently used out first; also the "
          + "largest blob taken")
  Long cacheSize;

  @Option(names = "--replica-of", paramLabel = "s3://BUCKET[/PREFIX]",
      description = "Run a replica: serve, sealed and read-only, the seal of --set that the primary with this "
          + "--blob-store published (PREFIX/sets/<set>/current), reading blobs through --cache-dir; its own --data "
          + "holds its catalog, violations and logs. Refuses uploads and never goes online")
  String replicaOf;

  @Option(names = "--set", paramLabel = "NAME",
      description = "With --replica-of: the set whose published seal to serve")
  String replicaSet;

  @Option(names = "--poll", paramLabel = "SECONDS",
      description = "With --replica-of: read the published pointer this often, and switch to a new seal (default: 30)")
  Long pollSeconds;

  @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", converter = LogFormat.Converter.class,
      description = "Log lines on stderr as text, or as one JSON object per line (Logback's JsonEncoder: level, "
          + "loggerName, formattedMessage, ...) for a log shipper (default: ${DEFAULT-VALUE})")
  LogFormat logFormat;

  @Override
  public Integer call() throws CliException {
    logFormat.apply();
    if (keepSeals < 0 || keepSeals > 16) {
      throw new CliException(ExitCode.USAGE, "--keep-seals must be from 0 to 16");
    }
    if (maxSize != null && maxSize <= 0) {
      throw new CliException(ExitCode.USAGE, "--max-size must be positive");
    }
    if (drainSeconds < 0) {
      throw new CliException(ExitCode.USAGE, "--drain-timeout must not be negative");
    }
    Optional<ReplicaOf> replica = ReplicaFlags.replica(replicaOf, blobStore, replicaSet, pollSeconds, mode, maxSize,
        scrubEvery, recover);
    Optional<S3Store> store = replica.isPresent()
        ? S3Flags.store("--replica-of", replicaOf, s3Endpoint, s3Region, s3PathStyle, cacheDir, cacheSize)
        : S3Flags.store(blobStore, s3Endpoint, s3Region, s3PathStyle, cacheDir, cacheSize);
    ServerConfig config = new ServerConfig(data.toAbsolutePath().normalize(), listen.host(), listen.port(),
        Optional.ofNullable(mode), Optional.ofNullable(adminTokenFile), upstream && replica.isEmpty(),
        Duration.ofSeconds(drainSeconds), Clock.systemUTC(), trapConfig(), connectionPolicy(), exposure(),
        accessLogFile(), store, replica);
    DistvaultServer server;
    try {
      if (recover && store.isPresent()) {
        store.get().recover(config.dataDir(), config.clock());
      } else if (recover) {
        Vault.open(config.dataDir(), BlobStoreOptions.defaults(), Vault.Start.RECOVER).close();
      }
      HealthSettings health = HealthSettings.defaults();
      server = DistvaultServer.start(config, minFreeSpace == null ? health : health.withMinFreeBytes(minFreeSpace),
          new Housekeeping(keepSeals, maxSize == null ? OptionalLong.empty() : OptionalLong.of(maxSize),
              Optional.ofNullable(scrubEvery)));
    } catch (StoreDamagedException e) {
      throw new CliException(ExitCode.FAILED, "refusing to start: " + e.getMessage(), e);
    } catch (S3Store.UnusableException e) {
      throw new CliException(ExitCode.USAGE, "--blob-store: " + e.getMessage() + "; --s3-region gives one", e);
    } catch (BadTokenFileException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    } catch (UnwritableAccessLogException e) {
      throw new CliException(ExitCode.USAGE, "--access-log " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot use --data " + config.dataDir() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // e.g. the data directory is locked by a running server, or the address is in use
      throw new CliException(ExitCode.FAILED, "cannot start on " + config.dataDir() + " listening on "
          + listen.host() + ":" + listen.port() + ": " + e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (IOException | RuntimeException e) {
        log.error("error while stopping: {}", e.toString(), e);
      } finally {
        stopped.countDown();
      }
    }, "distvault-stop"));
    PrintWriter out = spec.commandLine().getOut();
    URI url = server.baseUri();
    out.println("listening " + url + " mode=" + server.modes().current().wireName() + " data=" + config.dataDir());
    out.println("admin token file: " + server.token().file().toAbsolutePath()
        + (server.token().created() ? " (created)" : ""));
    if (adminListen != null) {
      out.println("admin API " + server.adminUri());
    }
    out.println("# for mk.conf on the build hosts:");
    out.println("MASTER_SITE_OVERRIDE= " + publicBase(url, listen.host()) + "pkg/${PKGPATH}/");
    server.trap().ifPresent(t -> out.println("trap proxy " + publicBase(t.uri(), trapProxy.host())));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCode.OK;
  }

  private Optional<Path> accessLogFile() throws CliException {
    if (accessLog.equals("off")) {
      return Optional.empty();
    }
    if (accessLog.isBlank()) {
      throw new CliException(ExitCode.USAGE, "--access-log needs a FILE or off");
    }
    return Optional.of(Path.of(accessLog).toAbsolutePath().normalize());
  }

  /** The connection bounds and timeouts from the flags; errors name the flag. */
  private ConnectionPolicy connectionPolicy() throws CliException {
    if (maxConnections != null && maxConnections < 1) {
      throw new CliException(ExitCode.USAGE, "--max-connections must be at least 1, got " + maxConnections);
    }
    if (maxConnectionsPerClient < 1) {
      throw new CliException(ExitCode.USAGE, "--max-connections-per-client must be at least 1, got "
          + maxConnectionsPerClient);
    }
    return new ConnectionPolicy(seconds("--idle-timeout", idleSeconds), seconds("--request-head-timeout", headSeconds),
        seconds("--send-timeout", sendSeconds), maxConnections == null ? ConnectionPolicy.AUTO : maxConnections,
        maxConnectionsPerClient, 0);
  }

  private static Duration seconds(String flag, long value) throws CliException {
    // XNIO takes milliseconds as an int: at most ~24 days.
    if (value < 1 || value > Integer.MAX_VALUE / 1000) {
      throw new CliException(ExitCode.USAGE, flag + " must be between 1 and " + Integer.MAX_VALUE / 1000
          + " seconds, got " + value);
    }
    return Duration.ofSeconds(value);
  }

  /** TLS, the admin listener and the allow-list from the flags; errors name the flag and the file. */
  private Exposure exposure() throws CliException {
    Exposure e = Exposure.DEFAULT.withStatusPage(statusPage);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CliException(ExitCode.USAGE, tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
    }
    if (tlsCert != null) {
      try {
        e = e.withTls(PemTls.context(tlsCert, tlsKey));
      } catch (IllegalArgumentException bad) {
        throw new CliException(ExitCode.USAGE, "--tls-cert/--tls-key: " + bad.getMessage(), bad);
      }
    }
    if (adminListen != null) {
      if (adminListen.host().equals(listen.host()) && adminListen.port() == listen.port() && listen.port() != 0) {
        throw new CliException(ExitCode.USAGE, "--admin-listen must differ from --listen (" + listen.host() + ":"
            + listen.port() + ")");
      }
      e = e.withAdminListen(adminListen.host(), adminListen.port());
    }
    if (allowFrom != null) {
      try {
        e = e.withAllowFrom(AddressRanges.parse(allowFrom));
      } catch (IllegalArgumentException bad) {
        throw new CliException(ExitCode.USAGE, "--allow-from: " + bad.getMessage(), bad);
      }
    }
    return e;
  }

  /** The trap proxy's config from the flags; errors name the flag and the value. */
  private Optional<TrapConfig> trapConfig() throws CliException {
    if (trapProxy == null) {
      if (!trapAllow.isEmpty() || trapAllowFile != null) {
        throw new CliException(ExitCode.USAGE, (trapAllow.isEmpty() ? "--trap-allow-file" : "--trap-allow")
            + " needs --trap-proxy HOST:PORT");
      }
      return Optional.empty();
    }
    AllowList allow = AllowList.NONE.plus(trapAllow);
    if (trapAllowFile != null) {
      try {
        allow = allow.plus(AllowList.parseFile(trapAllowFile));
      } catch (NoSuchFileException e) {
        throw new CliException(ExitCode.USAGE, "--trap-allow-file " + trapAllowFile + ": no such file", e);
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "--trap-allow-file " + trapAllowFile + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--trap-allow-file " + e.getMessage(), e);
      }
    }
    return Optional.of(TrapConfig.defaults(trapProxy.host(), trapProxy.port(), allow));
  }

  /** The base URL build hosts use: the host name instead of a wildcard address. */
  private static String publicBase(URI url, String listenHost) {
    boolean wildcard = listenHost.equals("0.0.0.0") || listenHost.equals("::") || listenHost.equals("0:0:0:0:0:0:0:0");
    if (!wildcard) {
      return url.toString();
    }
    String name;
    try {
      name = InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      name = "THIS-HOST";
    }
    return url.getScheme() + "://" + name + ":" + url.getPort() + "/";
  }
}

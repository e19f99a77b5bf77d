package org.distvault.server.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The defaults of {@code serve}'s options: a {@code DISTVAULT_<FLAG>} environment variable, else
 * the {@code --config} properties file (keys are the long flag names without dashes, as in
 * picocli's PropertiesDefaultProvider, which cannot refuse unknown keys), else the
 * option's own default. picocli asks only for options the command line left unset, so a flag wins
 * over both. An empty variable or value counts as unset.
 *
 * <p>Both sources are read and checked once, at the first question: an unreadable file, a key
 * that is no flag, or a {@code DISTVAULT_} variable that is neither a flag nor one of
 * {@link #OTHER_TOOLS} is a usage error naming it. picocli always asks about {@code --help} or
 * {@code --version} when {@code serve} runs, so the check cannot be skipped by giving every flag.
 * Not thread-safe: picocli calls it while parsing.
 */
final class ServeDefaults implements CommandLine.IDefaultValueProvider {
  static final String ENV_PREFIX = "DISTVAULT_";

  /**
   * Variables that distvault's launcher, pkgsrc fragments and pbulk scripts use; they may share
   * serve's environment (distvault.env sets DISTVAULT_SERVE_OPTS) and are never an error.
   */
  static final Set<String> OTHER_TOOLS = Set.of("DISTVAULT_SERVE_OPTS", "DISTVAULT_JAR", "DISTVAULT_URL",
      "DISTVAULT_SERVER", "DISTVAULT_TOKEN_FILE", "DISTVAULT_CA_FILE", "DISTVAULT_SET", "DISTVAULT_SITE",
      "DISTVAULT_SITES", "DISTVAULT_FETCH", "DISTVAULT_FETCH_TOOL", "DISTVAULT_TRAP", "DISTVAULT_TRAP_URL",
      "DISTVAULT_RUN", "DISTVAULT_RUN_ID", "DISTVAULT_PKGPATH", "DISTVAULT_ONLINE_BEFORE",
      "DISTVAULT_ONLINE_AFTER", "DISTVAULT_BUILD_STATUS", "DISTVAULT_PBULK_CONF");

  // Actions, not settings.
  private static final Set<String> NOT_SETTINGS = Set.of("help", "version");
  // DISTVAULT_CONFIG names the file; the file cannot name another.
  private static final String CONFIG = "config";

  private final Map<String, String> env;
  private Sources sources;

  ServeDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    Sources s = sources(arg.command());
    String key = key(option);
    String fromEnv = s.env().get(key);
    return fromEnv != null || key.equals(CONFIG) ? fromEnv : s.file().getProperty(key);
  }

  /** The environment variable of the flag {@code --max-connections}: {@code DISTVAULT_MAX_CONNECTIONS}. */
  static String variable(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String key(OptionSpec option) {
    return option.longestName().substring(2);
  }

  private Sources sources(CommandSpec spec) {
    if (sources == null) {
      sources = load(spec);
    }
    return sources;
  }

  private Sources load(CommandSpec spec) {
    Set<String> keys = new TreeSet<>();
    Map<String, String> byVariable = new HashMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.longestName().startsWith("--") && !NOT_SETTINGS.contains(key(o))) {
        keys.add(key(o));
        byVariable.put(variable(key(o)), key(o));
      }
    }
    Map<String, String> fromEnv = new HashMap<>();
    // Sorted, so that of several bad variables the error always names the same one.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX) || OTHER_TOOLS.contains(e.getKey())) {
        continue;
      }
      String key = byVariable.get(e.getKey());
      if (key == null) {
        throw usage(spec, "environment variable " + e.getKey() + " is not a serve flag (serve reads "
            + ENV_PREFIX + "<FLAG>, e.g. DISTVAULT_MAX_CONNECTIONS for --max-connections; unset it)");
      }
      if (!e.getValue().isBlank()) {
        fromEnv.put(key, e.getValue().strip());
      }
    }
    Object flag = spec.findOption("--config").getValue();
    Path config = flag != null ? (Path) flag : fromEnv.containsKey(CONFIG) ? Path.of(fromEnv.get(CONFIG)) : null;
    Properties file = config == null ? new Properties() : read(spec, config);
    for (String key : file.stringPropertyNames()) {
      if (!keys.contains(key) || key.equals(CONFIG)) {
        throw usage(spec, "--config " + config + ": unknown key '" + key + "' (keys are serve's long flag names "
            + "without the dashes, e.g. max-connections)");
      }
      String value = file.getProperty(key).strip();
      if (value.isEmpty()) {
        file.remove(key);
      } else {
        // Properties keeps trailing blanks, which no flag's value has.
        file.setProperty(key, value);
      }
    }
    return new Sources(fromEnv, file);
  }

  private static Properties read(CommandSpec spec, Path config) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw usage(spec, "--config " + config + ": no such file");
    } catch (MalformedInputException e) {
      throw usage(spec, "--config " + config + ": not UTF-8 text");
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape
      throw usage(spec, "--config " + config + ": cannot read it: " + e.getMessage());
    }
    return p;
  }

  private static ParameterException usage(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private record Sources(Map<String, String> env, Properties file) {}
}

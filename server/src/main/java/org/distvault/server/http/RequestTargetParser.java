package org.distvault.server.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.InvalidNameException;
import org.distvault.storage.name.SetName;

/**
 * Parses the raw (not percent-decoded) path of a request target into a {@link RequestTarget}.
 *
 * <p>Routes: {@code /distfiles/<name>}, {@code /pkg/<cat>/<pkg>/<name>}, the same two under
 * {@code /run/<id>/}, all of these under {@code /set/<set>/} (a source set; without it the request
 * is the default set's), and {@code /by-hash/<alg>/<hex>}, where {@code <name>} is
 * {@code [DIST_SUBDIR/]file} and may contain several {@code /}. {@code /by-hash/} is global:
 * {@code /set/<set>/by-hash/...} is no route.
 *
 * <p>Every path is checked before routing, so hostile input is refused before anything is looked
 * up: it must start with {@code /}, be at most {@link #MAX_PATH_LENGTH} bytes of printable ASCII
 * without backslashes, and no segment may be empty, be {@code .} or {@code ..} (raw or
 * percent-encoded), contain an invalid percent escape, or decode to invalid UTF-8, an encoded
 * {@code /} or {@code \}, NUL or another control character. Stateless and thread-safe.
 */
public final class RequestTargetParser {
  /** Longest accepted raw path in bytes (the longest real distfile name is ~120 bytes). */
  public static final int MAX_PATH_LENGTH = 4096;

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * Parses a raw path.
   *
   * @param rawPath the request path exactly as sent, without the query string
   * @return the target, or empty when the path is well-formed but not one of the serving routes
   * @throws BadRequestTargetException with a one-line reason for hostile or malformed paths
   */
  public Optional<RequestTarget> parse(String rawPath) throws BadRequestTargetException {
    if (rawPath.equals("/")) {
      return Optional.empty();
    }
    List<Segment> segments = segments(rawPath);
    return switch (segments.get(0).raw()) {
      case "distfiles", "pkg" -> Optional.of(distfile(rawPath, SetName.DEFAULT, Optional.empty(), segments));
      case "run" -> Optional.of(run(rawPath, SetName.DEFAULT, segments.subList(1, segments.size())));
      case "by-hash" -> Optional.of(byHash(segments.subList(1, segments.size())));
      case "set" -> set(rawPath, segments.subList(1, segments.size()));
      default -> Optional.empty();
    };
  }

  /**
   * One path segment, raw and percent-decoded (the same string when it has no escape), and where
   * it starts in the raw path.
   */
  private record Segment(String raw, String decoded, int start) {}

  /** The segments of a checked raw path, found in place (no {@code split}, no regex). */
  private static List<Segment> segments(String rawPath) throws BadRequestTargetException {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      throw new BadRequestTargetException("request target must be a path starting with '/'");
    }
    if (rawPath.length() > MAX_PATH_LENGTH) {
      throw new BadRequestTargetException(
          "request path longer than " + MAX_PATH_LENGTH + " bytes");
    }
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '\\') {
        throw new BadRequestTargetException("backslash in request path");
      }
      if (c <= 0x20 || c >= 0x7f) {
        throw new BadRequestTargetException(
            String.format("byte 0x%02x in request path (only printable ASCII; percent-encode the rest)", (int) c & 0xff));
      }
    }
    List<Segment> segments = new ArrayList<>(8);
    for (int from = 1; ; ) {
      int to = rawPath.indexOf('/', from);
      int end = to < 0 ? rawPath.length() : to;
      segments.add(segment(rawPath.substring(from, end), from));
      if (to < 0) {
        return segments;
      }
      from = to + 1;
    }
  }

  private static Segment segment(String raw, int start) throws BadRequestTargetException {
    if (raw.isEmpty()) {
      throw new BadRequestTargetException("empty path segment ('//' or a trailing '/')");
    }
    String decoded = PercentDecoder.decode(raw);
    if (decoded.equals(".") || decoded.equals("..")) {
      throw new BadRequestTargetException("'" + decoded + "' path segment");
    }
    if (decoded == raw) {
      return new Segment(raw, raw, start); // printable ASCII without '/' or '\\', checked before
    }
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c == '/') {
        throw new BadRequestTargetException("percent-encoded '/' inside a path segment");
      }
      if (c == '\\') {
        throw new BadRequestTargetException("percent-encoded backslash in request path");
      }
      if (c == 0) {
        throw new BadRequestTargetException("percent-encoded NUL in request path");
      }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        throw new BadRequestTargetException(
            String.format("percent-encoded control character U+%04X in request path", (int) c));
      }
    }
    return new Segment(raw, decoded, start);
  }

  /**
   * {@code rest} follows {@code /set/}: the set name, then a distfile route or {@code run/}. A set
   * segment that is not a set name is refused (400, with the {@link SetName} problem); what follows
   * a valid one and is not a distfile route is no route (so {@code /set/<set>/by-hash/} is a 404
   * like any unknown path, not a malformed request).
   */
  private static Optional<RequestTarget> set(String rawPath, List<Segment> rest) throws BadRequestTargetException {
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    SetName set;
    try {
      set = SetName.of(rest.get(0).raw());
    } catch (IllegalArgumentException e) {
      throw new BadRequestTargetException(e.getMessage());
    }
    List<Segment> route = rest.subList(1, rest.size());
    if (route.isEmpty()) {
      return Optional.empty();
    }
    return switch (route.get(0).raw()) {
      case "distfiles", "pkg" -> Optional.of(distfile(rawPath, set, Optional.empty(), route));
      case "run" -> Optional.of(run(rawPath, set, route.subList(1, route.size())));
      default -> Optional.empty();
    };
  }

  private static DistfileRequest run(String rawPath, SetName set, List<Segment> rest) throws BadRequestTargetException {
    if (rest.isEmpty() || !RUN_ID.matcher(rest.get(0).raw()).matches()) {
      throw new BadRequestTargetException("run id must be 1-64 of A-Z a-z 0-9 . _ -");
    }
    String runId = rest.get(0).raw();
    List<Segment> route = rest.subList(1, rest.size());
    if (route.isEmpty() || !(route.get(0).raw().equals("distfiles") || route.get(0).raw().equals("pkg"))) {
      throw new BadRequestTargetException("expected /run/<id>/distfiles/... or /run/<id>/pkg/...");
    }
    return distfile(rawPath, set, Optional.of(runId), route);
  }

  /**
   * {@code route} starts with the {@code distfiles} or {@code pkg} segment; the name is the rest of
   * {@code rawPath}.
   */
  private static DistfileRequest distfile(String rawPath, SetName set, Optional<String> runId, List<Segment> route)
      throws BadRequestTargetException {
    boolean pkgRoute = route.get(0).raw().equals("pkg");
    Optional<PkgPath> pkgPath = Optional.empty();
    List<Segment> name = route.subList(1, route.size());
    if (pkgRoute) {
      if (route.size() < 3 || !PkgPath.isValidPart(route.get(1).decoded())
          || !PkgPath.isValidPart(route.get(2).decoded())) {
        throw new BadRequestTargetException(
            "expected /pkg/<category>/<package>/<name> with a valid PKGPATH");
      }
      pkgPath = Optional.of(new PkgPath(route.get(1).decoded(), route.get(2).decoded()));
      name = route.subList(3, route.size());
    }
    if (name.isEmpty()) {
      throw new BadRequestTargetException("missing distfile name");
    }
    // The name's segments are the path's last ones, so its raw form is the path's tail.
    DistfileName rawName = name(rawPath.substring(name.get(0).start()), "distfile name");
    if (!escaped(name)) {
      return new DistfileRequest(set, runId, pkgPath, rawName, Optional.empty()); // nothing escaped
    }
    DistfileName decodedName = name(join(name, Segment::decoded), "percent-decoded distfile name");
    return new DistfileRequest(
        set, runId, pkgPath, rawName,
        decodedName.equals(rawName) ? Optional.empty() : Optional.of(decodedName));
  }

  private static HashRequest byHash(List<Segment> rest) throws BadRequestTargetException {
    if (rest.size() != 2) {
      throw new BadRequestTargetException("expected /by-hash/<algorithm>/<hex>");
    }
    DigestAlgorithm algorithm = DigestAlgorithm.byName(rest.get(0).decoded())
        .orElseThrow(() -> new BadRequestTargetException(
            "unknown digest algorithm; use one of " + Arrays.stream(DigestAlgorithm.values())
                .map(DigestAlgorithm::urlName).toList()));
    try {
      return new HashRequest(Digest.fromHex(algorithm, rest.get(1).decoded()));
    } catch (IllegalArgumentException e) {
      throw new BadRequestTargetException(e.getMessage());
    }
  }

  private static DistfileName name(String name, String what) throws BadRequestTargetException {
    try {
      return DistfileName.of(name); // checks it once
    } catch (InvalidNameException e) {
      throw new BadRequestTargetException("invalid " + what + ": " + e.reason());
    }
  }

  /** Whether a segment had a percent escape (its decoded form is then another string). */
  private static boolean escaped(List<Segment> segments) {
    for (Segment s : segments) {
      if (s.decoded() != s.raw()) {
        return true;
      }
    }
    return false;
  }

  private static String join(List<Segment> segments, Function<Segment, String> part) {
    StringBuilder b = new StringBuilder();
    for (Segment s : segments) {
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(part.apply(s));
    }
    return b.toString();
  }
}

package org.distvault.server.admin;

import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The query parameters of one admin request, checked: unknown or repeated parameters and
 * malformed values are {@link ApiException}s naming the parameter.
 */
public final class QueryParams {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Map<String, Deque<String>> params;

  private QueryParams(Map<String, Deque<String>> params) {
    this.params = params;
  }

  /** The parameters of {@code exchange}; any other than {@code allowed} is an error. */
  public static QueryParams of(HttpServerExchange exchange, Set<String> allowed) throws ApiException {
    Map<String, Deque<String>> params = exchange.getQueryParameters();
    for (Map.Entry<String, Deque<String>> e : params.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw ApiException.badRequest("unknown query parameter '" + e.getKey() + "': expected " + allowed);
      }
      if (e.getValue().size() > 1) {
        throw ApiException.badRequest("query parameter '" + e.getKey() + "' given more than once");
      }
    }
    return new QueryParams(params);
  }

  Optional<String> text(String name) {
    Deque<String> v = params.get(name);
    return v == null || v.isEmpty() || v.getFirst().isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
  }

  /** A whole number in {@code [min, max]}, or {@code otherwise} when absent. */
  public long number(String name, long min, long max, long otherwise) throws ApiException {
    Optional<String> v = text(name);
    if (v.isEmpty()) {
      return otherwise;
    }
    long n;
    try {
      n = Long.parseLong(v.get());
    } catch (NumberFormatException e) {
      throw outOfRange(name, min, max, v.get());
    }
    if (n < min || n > max) {
      throw outOfRange(name, min, max, v.get());
    }
    return n;
  }

  private static ApiException outOfRange(String name, long min, long max, String got) {
    return ApiException.badRequest("query parameter '" + name + "' must be a whole number from " + min + " to "
        + max + ", got '" + got + "'");
  }

  /** A bulk-build run id ({@code 1-64 of A-Z a-z 0-9 . _ -}), if given. */
  Optional<String> runId(String name) throws ApiException {
    Optional<String> v = text(name);
    if (v.isPresent() && !RUN_ID.matcher(v.get()).matches()) {
      throw ApiException.badRequest("query parameter '" + name + "' must be 1-64 of A-Z a-z 0-9 . _ -");
    }
    return v;
  }

  /** One of {@code choices}, or {@code otherwise} when absent. */
  String choice(String name, Set<String> choices, String otherwise) throws ApiException {
    Optional<String> v = text(name);
    if (v.isEmpty()) {
      return otherwise;
    }
    if (!choices.contains(v.get())) {
      throw ApiException.badRequest("query parameter '" + name + "' must be one of " + choices + ", got '" + v.get() + "'");
    }
    return v.get();
  }
}

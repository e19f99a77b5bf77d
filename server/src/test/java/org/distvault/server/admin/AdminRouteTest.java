package org.distvault.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.server.HttpHandler;
import org.junit.jupiter.api.Test;

/** Route paths: exact, prefix plus a last segment, and templates with a {@code {set}} segment. */
class AdminRouteTest {
  private static final HttpHandler NONE = exchange -> { };

  @Test
  void templateMatchesOneNonEmptySegmentWhereTheSetIs() {
    AdminRoute state = AdminRoute.exact("PUT", "/api/v1/sets/{set}/state", 10, NONE);
    assertTrue(state.matches("/api/v1/sets/2026Q4/state"));
    assertTrue(state.matches("/api/v1/sets/bad%20name/state"), "validation is the handler's (400, not 404)");
    assertFalse(state.matches("/api/v1/sets//state"));
    assertFalse(state.matches("/api/v1/sets/a/b/state"));
    assertFalse(state.matches("/api/v1/sets/a/state/"));
    assertFalse(state.matches("/api/v1/sets/a/stat"));
    assertEquals("/api/v1/sets/default/state", state.examplePath());

    AdminRoute one = AdminRoute.exact("GET", "/api/v1/sets/{set}", 10, NONE);
    assertTrue(one.matches("/api/v1/sets/state"), "a set may be called state");
    assertFalse(one.matches("/api/v1/sets/a/state"));
    assertFalse(one.matches("/api/v1/sets/"));
    assertFalse(one.matches("/api/v1/sets"));
  }

  @Test
  void exactAndPrefixRoutesAreUnchanged() {
    assertTrue(AdminRoute.exact("GET", "/api/v1/sets", 10, NONE).matches("/api/v1/sets"));
    assertFalse(AdminRoute.exact("GET", "/api/v1/sets", 10, NONE).matches("/api/v1/sets/a"));
    AdminRoute blobs = new AdminRoute("PUT", "/api/v1/blobs/sha512/", true, 10, NONE);
    assertTrue(blobs.matches("/api/v1/blobs/sha512/ab"));
    assertFalse(blobs.matches("/api/v1/blobs/sha512/ab/cd"));
    assertThrows(IllegalArgumentException.class, () -> new AdminRoute("PUT", "/api/v1/sets/{set}/", true, 10, NONE));
  }
}

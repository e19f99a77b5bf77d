package org.distvault.server.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proxy user names as the clients send them, decoded to a PKGPATH or to a stated problem. */
class ProxyCredentialsTest {
  private static final String NOT_PKGPATH = "the proxy user name is not a PKGPATH (category/package)";

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // user:password as sent inside the Basic credentials -> PKGPATH, problem
      "devel/cmake:egress|devel/cmake|-",          // wget, pip, npm, git decode %2F first
      "devel%2Fcmake:|devel/cmake|-",              // a client that sends the name as written
      "devel%2fcmake|devel/cmake|-",               // no colon, lower-case escape
      "wip/py-foo+bar:x|wip/py-foo+bar|-",
      "devel/cmake/extra:x|-|" + NOT_PKGPATH,
      "devel/..:x|-|" + NOT_PKGPATH,
      "cmake:x|-|" + NOT_PKGPATH,
      ":x|-|" + NOT_PKGPATH,
      "devel%2|-|" + NOT_PKGPATH,
      "dével/cmake:x|-|" + NOT_PKGPATH})
  void basicUserNameIsThePkgpath(String userPassword, String pkgpath, String problem) {
    String header = "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    ProxyCredentials c = ProxyCredentials.of(Optional.of(header));
    assertEquals(Optional.ofNullable(pkgpath), c.pkgpath());
    assertEquals(Optional.ofNullable(problem), c.problem());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Bearer abc|the proxy credentials are not Basic",
      "Basic|the proxy credentials are not Basic",
      "Basic !!!notbase64|the proxy credentials are not valid base64"})
  void otherCredentialsAreAProblemNotAnError(String header, String problem) {
    ProxyCredentials c = ProxyCredentials.of(Optional.of(header));
    assertEquals(Optional.empty(), c.pkgpath());
    assertEquals(Optional.of(problem), c.problem());
  }

  @org.junit.jupiter.api.Test
  void noCredentialsIsNoProblem() {
    assertEquals(ProxyCredentials.NONE, ProxyCredentials.of(Optional.empty()));
  }
}

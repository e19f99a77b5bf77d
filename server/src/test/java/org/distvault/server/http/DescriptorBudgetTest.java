package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The connection bound derived from the descriptor limit. */
class DescriptorBudgetTest {
  private static ConnectionPolicy max(int n) {
    return new ConnectionPolicy(ConnectionPolicy.DEFAULT_IDLE_TIMEOUT, ConnectionPolicy.DEFAULT_REQUEST_HEAD_TIMEOUT,
        ConnectionPolicy.DEFAULT_SEND_TIMEOUT, n, ConnectionPolicy.DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0);
  }

  @Test
  void reserveIsWhatIsOpenPlusKeptBlobFilesPlusTransientPlusOther() {
    DescriptorBudget b = new DescriptorBudget(1024, 100, 7);
    assertEquals(100 + 256 + 128 + 7, b.reserve());
    // Two descriptors per connection, one for the new connection accepted over the bound.
    assertEquals((1024 - 491 - 1) / 2, b.connections());
    assertEquals(266, b.connections());
  }

  @Test
  void autoTakesWhatTheLimitLeavesUpToTheCap() {
    assertEquals(269, DescriptorBudget.maxConnections(ConnectionPolicy.DEFAULTS,
        Optional.of(new DescriptorBudget(1024, 100, 0))));
    assertEquals(ConnectionPolicy.AUTO_CAP, DescriptorBudget.maxConnections(ConnectionPolicy.DEFAULTS,
        Optional.of(new DescriptorBudget(65536, 100, 0))));
    assertEquals(ConnectionPolicy.AUTO_CAP, DescriptorBudget.maxConnections(ConnectionPolicy.DEFAULTS, Optional.empty()));
  }

  @Test
  void anExplicitBoundIsKeptWhenItFitsAndLoweredWhenItDoesNot() {
    Optional<DescriptorBudget> b = Optional.of(new DescriptorBudget(1024, 100, 0));
    assertEquals(50, DescriptorBudget.maxConnections(max(50), b));
    assertEquals(269, DescriptorBudget.maxConnections(max(10_000), b));
    assertEquals(10_000, DescriptorBudget.maxConnections(max(10_000), Optional.empty()));
  }

  @Test
  void aLimitLeavingRoomForTooFewConnectionsRefusesToStart() {
    Optional<DescriptorBudget> b = Optional.of(new DescriptorBudget(512, 100, 0));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DescriptorBudget.maxConnections(ConnectionPolicy.DEFAULTS, b));
    assertTrue(e.getMessage().contains("file descriptor limit 512 leaves room for 13 connections"), e.getMessage());
    assertTrue(e.getMessage().contains("to at least " + (484 + 1 + 32)), e.getMessage());
    // An operator who asks for fewer than that gets them.
    assertEquals(8, DescriptorBudget.maxConnections(max(8), b));
  }

  @Test
  void thisProcessHasALimitAboveWhatItHasOpen() {
    DescriptorBudget b = DescriptorBudget.ofThisProcess(0).orElseThrow();
    assertTrue(b.open() > 0 && b.open() < b.limit(), b.describe());
  }
}

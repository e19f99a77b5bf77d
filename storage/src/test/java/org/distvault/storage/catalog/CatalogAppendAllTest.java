package org.distvault.storage.catalog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.junit.jupiter.api.Test;

/** Entries appended together: consecutive cursors, one synced batch, all or none, kept across a restart. */
class CatalogAppendAllTest extends OpenCatalogTest {
  @Test
  void entriesAppendedTogetherGetConsecutiveCursorsInOneBatch() {
    assertEquals(1, catalog.append(LogKind.VIOLATIONS, "before".getBytes(UTF_8)));
    long groups = catalog.groups();
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      payloads.add(("entry " + i).getBytes(UTF_8));
    }
    assertArrayEquals(new long[] {2, 3, 4, 5, 6}, catalog.appendAll(LogKind.VIOLATIONS, payloads));
    assertEquals(groups + 1, catalog.groups(), "one synced batch");
    assertEquals(6, catalog.lastCursor(LogKind.VIOLATIONS));
    reopen();
    List<LogEntry> read = catalog.read(LogKind.VIOLATIONS, 1, 10);
    assertEquals(5, read.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(i + 2, read.get(i).cursor());
      assertEquals("entry " + i, new String(read.get(i).payload(), UTF_8));
    }
  }

  @Test
  void onePayloadTooLargeStoresNoneOfThem() {
    List<byte[]> payloads = List.of("small".getBytes(UTF_8), new byte[GroupCommitter.MAX_PAYLOAD + 1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> catalog.appendAll(LogKind.VIOLATIONS, payloads));
    assertEquals("VIOLATIONS log entry of " + (GroupCommitter.MAX_PAYLOAD + 1) + " bytes exceeds "
        + GroupCommitter.MAX_PAYLOAD, e.getMessage());
    assertEquals(0, catalog.lastCursor(LogKind.VIOLATIONS));
    assertEquals(1, catalog.append(LogKind.VIOLATIONS, "next".getBytes(UTF_8)), "no cursor was used up");
  }
}

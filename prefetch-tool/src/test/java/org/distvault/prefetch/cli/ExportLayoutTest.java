package org.distvault.prefetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where export puts a distfile, and how it names one in a listing query. */
class ExportLayoutTest {
  private final Path dir = Path.of("/srv/export");

  @Test
  void aDistSubdirNameIsAFileInItsSubdirectory() throws IOException {
    assertEquals(Path.of("/srv/export/sub/x-1.0.tgz"), ExportLayout.distfile(dir, "sub/x-1.0.tgz"));
    assertEquals(Path.of("/srv/export/mysql%2B%2B-3.3.0.tar.gz"),
        ExportLayout.distfile(dir, "mysql%2B%2B-3.3.0.tar.gz"));
    assertEquals(Path.of("/srv/export/.distvault/variants/ab"), ExportLayout.variant(dir, "ab"));
  }

  @Test
  void aNameCannotLeaveTheDirectoryOrLandInItsMetadata() {
    for (String bad : new String[] {"../x.tgz", "a/../../x.tgz", "/etc/passwd", ".distvault/seal.json", ".", "a\\b"}) {
      assertThrows(IOException.class, () -> ExportLayout.distfile(dir, bad), bad);
    }
  }

  @Test
  void aListingCursorIsPercentEncodedButForItsSlashes() {
    assertEquals("mysql%252B%252B-3.3.0.tar.gz", ExportCommand.queryValue("mysql%2B%2B-3.3.0.tar.gz"));
    assertEquals("sub/x%20y%2B-1.0.tgz", ExportCommand.queryValue("sub/x y+-1.0.tgz"));
  }
}

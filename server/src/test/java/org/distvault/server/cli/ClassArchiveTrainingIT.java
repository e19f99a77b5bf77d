package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's training run ({@code distvault class-archive}, checked with the JVM's archive in
 * ops/e2e's ClassArchiveIT): every command it runs must go on succeeding as the commands change,
 * or installations go without an archive; and it must really download, verify and store.
 */
class ClassArchiveTrainingIT {
  @TempDir Path tmp;

  @Test
  void everyCommandSucceedsAndTheDistfileIsStored() throws Exception {
    ClassArchiveTraining.train(tmp);
    byte[] expected = "distvault class archive training\n".getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(tmp.resolve("data").resolve("blobs").resolve("sha512"))) {
      List<Path> blobs = files.filter(Files::isRegularFile).toList();
      assertEquals(1, blobs.size(), blobs.toString());
      assertArrayEquals(expected, Files.readAllBytes(blobs.get(0)));
    }
  }
}

package org.distvault.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import org.distvault.server.http.PkgPath;
import org.distvault.server.http.ServableBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBlobSourceTest {
  @Test
  void indexesRegularFilesByRelativeNameAndDigest(@TempDir Path root) throws Exception {
    Path file = root.resolve("sub/dir/x-1.0.tar.gz");
    Files.createDirectories(file.getParent());
    byte[] bytes = "content\n".getBytes();
    Files.write(file, bytes);
    Instant mtime = Instant.parse("2025-05-06T07:08:09Z");
    Files.setLastModifiedTime(file, FileTime.from(mtime));

    DirectoryBlobSource source = DirectoryBlobSource.scan(root, EnumSet.of(DigestAlgorithm.SHA256));

    ServableBlob blob = source.find(Optional.empty(), DistfileName.of("sub/dir/x-1.0.tar.gz")).blob().orElseThrow();
    String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(sha512, blob.sha512().hex());
    assertEquals(bytes.length, blob.size());
    assertEquals(file, blob.file());
    assertEquals(mtime, blob.storedAt());
    assertEquals(blob, source.findByHash(Digest.fromHex(DigestAlgorithm.SHA256, sha256)).orElseThrow());
    assertEquals(blob, source.findByHash(Digest.fromHex(DigestAlgorithm.SHA512, sha512)).orElseThrow());
    assertTrue(source.findByHash(Digest.fromHex(DigestAlgorithm.SHA1, "00".repeat(20))).isEmpty());
    // The whole index is in memory, so hits are answered on the I/O thread as the vault's are.
    assertEquals(blob, source.findInMemory(Optional.empty(), DistfileName.of("sub/dir/x-1.0.tar.gz")).orElseThrow());
    assertEquals(blob, source.findInMemory(Optional.of(new PkgPath("devel", "x")), DistfileName.of("sub/dir/x-1.0.tar.gz"))
        .orElseThrow());
    assertTrue(source.findInMemory(Optional.empty(), DistfileName.of("x-1.0.tar.gz")).isEmpty());
  }

  @Test
  void skipsSymlinksAndInvalidNames(@TempDir Path root, @TempDir Path outside) throws Exception {
    Path secret = Files.writeString(outside.resolve("secret"), "outside the root\n");
    Files.createSymbolicLink(root.resolve("link.tgz"), secret);
    Files.createSymbolicLink(root.resolve("linkdir"), outside);
    Files.writeString(root.resolve("back\\slash.tgz"), "x");
    Files.writeString(root.resolve("ok.tgz"), "ok");

    DirectoryBlobSource source = DirectoryBlobSource.scan(root, EnumSet.noneOf(DigestAlgorithm.class));

    assertEquals(1, source.size());
    assertTrue(source.find(Optional.empty(), DistfileName.of("ok.tgz")).blob().isPresent());
    assertTrue(source.find(Optional.empty(), DistfileName.of("link.tgz")).blob().isEmpty());
    assertTrue(source.find(Optional.empty(), DistfileName.of("linkdir/secret")).blob().isEmpty());
  }
}

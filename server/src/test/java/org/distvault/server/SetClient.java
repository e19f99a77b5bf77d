package org.distvault.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distvault.prefetch.client.AdminApi;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;

/** The admin calls the sets tests make, through the prefetch tool's own client. */
final class SetClient {
  final AdminApi api;

  SetClient(String base, String token) {
    api = new AdminApi(URI.create(base + "/"), token, Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /** {@code POST /api/v1/sets/<set>/manifest}. */
  JsonNode manifest(String set, List<ExpectedDistfile> entries) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ManifestWriter w = new ManifestWriter(buf)) {
      for (ExpectedDistfile e : entries) {
        w.write(e);
      }
    }
    return api.send("POST", "api/v1/sets/" + set + "/manifest", "application/x-ndjson", buf.toByteArray());
  }

  /**
   * {@code PUT /api/v1/blobs/sha512/<hex>} with the BLAKE2s a manifest entry also expects (as the
   * prefetch tool sends it): blobs are global.
   */
  void blob(byte[] content, Path scratch) throws IOException {
    Path file = Files.createTempFile(scratch, "blob", ".bin");
    Files.write(file, content);
    api.sendFile("PUT", "api/v1/blobs/sha512/" + TestContent.sha512(content), "application/octet-stream", file,
        Map.of("X-Distvault-Digests", "blake2s=" + TestContent.digest(DigestAlgorithm.BLAKE2S, content).hex()));
    Files.delete(file);
  }

  /** {@code POST /api/v1/sets/<set>/have}: which entries the set holds now (binding held blobs). */
  BitSet have(String set, List<ExpectedDistfile> entries) throws IOException {
    return new ServerClient(api, Optional.of(set)).have(entries);
  }

  /** {@code PUT /api/v1/sets/<set>/state}. */
  JsonNode state(String set, String state) throws IOException {
    return api.sendJson("PUT", "api/v1/sets/" + set + "/state", "{\"state\":\"" + state + "\"}");
  }

  /** {@code POST /api/v1/gc}. */
  JsonNode gc(boolean apply) throws IOException {
    return api.sendJson("POST", "api/v1/gc", "{\"apply\":" + apply + "}");
  }

  JsonNode get(String path) throws IOException {
    return api.get(path);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

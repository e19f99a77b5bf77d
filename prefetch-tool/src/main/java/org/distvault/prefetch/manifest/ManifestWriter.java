package org.distvault.prefetch.manifest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * Writes manifest lines in the canonical form {@link ManifestReader} reads: one JSON object per
 * line with {@code name}, {@code pkgpaths}, {@code size} (omitted when unknown), {@code digests}
 * (lower-case algorithm names and hex) and {@code urls}, in that order.
 *
 * <p>Not thread-safe. Closing the writer flushes it and closes the stream.
 */
public final class ManifestWriter implements Closeable, Flushable {
  private static final JsonFactory JSON = new JsonFactory();

  private final JsonGenerator gen;

  public ManifestWriter(OutputStream out) throws IOException {
    this.gen = JSON.createGenerator(out, JsonEncoding.UTF8);
    gen.setRootValueSeparator(null);
  }

  /** Writes one entry as one line. */
  public void write(ExpectedDistfile e) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("name", e.name().value());
    gen.writeArrayFieldStart("pkgpaths");
    for (String p : e.pkgpaths()) {
      gen.writeString(p);
    }
    gen.writeEndArray();
    if (e.size().isPresent()) {
      gen.writeNumberField("size", e.size().getAsLong());
    }
    gen.writeObjectFieldStart("digests");
    for (Map.Entry<String, String> d : e.digests().toHexMap().entrySet()) {
      gen.writeStringField(d.getKey(), d.getValue());
    }
    gen.writeEndObject();
    gen.writeArrayFieldStart("urls");
    for (String u : e.urls()) {
      gen.writeString(u);
    }
    gen.writeEndArray();
    gen.writeEndObject();
    gen.writeRaw('\n');
  }

  @Override
  public void flush() throws IOException {
    gen.flush();
  }

  @Override
  public void close() throws IOException {
    gen.close();
  }
}

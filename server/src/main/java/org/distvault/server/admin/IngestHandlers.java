package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import java.util.Objects;

/**
 * The handlers of the five admin ingest routes, written in {@code
 * org.distvault.server.admin.ingest} (each constructed with the vault, the upload gate {@code
 * modeService::uploadRefusal} and the listener {@code serverMetrics::ingestOutcome}), or 501
 * placeholders until they are wired ({@link #placeholders()}).
 *
 * @param blobUpload {@code PUT /api/v1/blobs/sha512/<hex>}
 * @param manifestUpload {@code POST /api/v1/manifest}
 * @param have {@code POST /api/v1/have}
 * @param outcomes {@code POST /api/v1/outcomes}
 * @param scrub {@code POST /api/v1/scrub}
 */
public record IngestHandlers(
    HttpHandler blobUpload, HttpHandler manifestUpload, HttpHandler have, HttpHandler outcomes,
    HttpHandler scrub) {
  public IngestHandlers {
    Objects.requireNonNull(blobUpload, "blobUpload");
    Objects.requireNonNull(manifestUpload, "manifestUpload");
    Objects.requireNonNull(have, "have");
    Objects.requireNonNull(outcomes, "outcomes");
    Objects.requireNonNull(scrub, "scrub");
  }

  /** Every route answers 501 "not implemented yet". */
  public static IngestHandlers placeholders() {
    return new IngestHandlers(
        new NotImplementedHandler("PUT /api/v1/blobs/sha512/<hex>"),
        new NotImplementedHandler("POST /api/v1/manifest"),
        new NotImplementedHandler("POST /api/v1/have"),
        new NotImplementedHandler("POST /api/v1/outcomes"),
        new NotImplementedHandler("POST /api/v1/scrub"));
  }
}

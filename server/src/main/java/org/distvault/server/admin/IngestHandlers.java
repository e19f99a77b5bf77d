package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import java.util.Objects;

/**
 * The handlers of the five admin ingest routes, written in {@code
 * org.distvault.server.admin.ingest} (each constructed with the vault, the upload gate {@code
 * modeService::uploadRefusal} and the listener {@code serverMetrics::ingestOutcome}).
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
}

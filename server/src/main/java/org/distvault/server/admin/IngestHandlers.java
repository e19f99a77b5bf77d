package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import java.util.Objects;

/**
 * The handlers of the admin ingest routes, written in {@code
 * org.distvault.server.admin.ingest} (each constructed with the vault, the upload gate {@code
 * modeService::uploadRefusal} and the listener {@code serverMetrics::ingestOutcome}).
 *
 * @param blobUpload {@code PUT /api/v1/blobs/sha512/<hex>}
 * @param manifestUpload {@code POST /api/v1/manifest}
 * @param have {@code POST /api/v1/have}
 * @param outcomes {@code POST /api/v1/outcomes}
 * @param scrub {@code POST /api/v1/scrub}
 * @param prefetch {@code POST /api/v1/prefetch}
 * @param setPrefetch builds the handler of {@code POST /api/v1/sets/<set>/prefetch}
 */
public record IngestHandlers(
    HttpHandler blobUpload, HttpHandler manifestUpload, HttpHandler have, HttpHandler outcomes,
    HttpHandler scrub, HttpHandler prefetch, SetScoped.Factory setPrefetch) {
  public IngestHandlers {
    Objects.requireNonNull(blobUpload, "blobUpload");
    Objects.requireNonNull(manifestUpload, "manifestUpload");
    Objects.requireNonNull(have, "have");
    Objects.requireNonNull(outcomes, "outcomes");
    Objects.requireNonNull(scrub, "scrub");
    Objects.requireNonNull(prefetch, "prefetch");
    Objects.requireNonNull(setPrefetch, "setPrefetch");
  }
}

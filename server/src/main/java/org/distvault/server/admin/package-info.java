/**
 * The admin API under {@code /api/v1/}: bearer-token authentication ({@link
 * org.distvault.server.admin.BearerAuth}, {@link org.distvault.server.admin.TokenFile}), the route
 * table ({@link org.distvault.server.admin.AdminRoutes}) and the mode, seal, violations, report and
 * stats resources. The ingest handlers (uploads, manifests, outcomes, scrub) live in {@code
 * org.distvault.server.admin.ingest} and are wired through {@link
 * org.distvault.server.admin.IngestHandlers}.
 */
package org.distvault.server.admin;

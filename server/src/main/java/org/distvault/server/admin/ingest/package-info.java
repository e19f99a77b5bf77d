/**
 * The admin API's ingest routes: blob upload ({@code PUT /api/v1/blobs/sha512/<hex>}), manifest
 * upload, {@code have}, prefetch outcomes and scrub. Each route is one Undertow handler that runs
 * on a worker thread, validates all of its input before it writes anything, and answers with the
 * JSON of the admin API contract ({@code {"error":"one line"}} on failure). Authentication, routing
 * and the mode live elsewhere: the handlers assume an authorised request and ask an {@link
 * org.distvault.server.admin.UploadGate} whether writes are allowed.
 */
package org.distvault.server.admin.ingest;

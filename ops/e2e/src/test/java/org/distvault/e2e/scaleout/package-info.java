/**
 * End-to-end proof of scaling out, with the real jar as separate processes: a primary whose blobs
 * live in a real S3 server (s3proxy on loopback), filled by the real {@code distvault prefetch}
 * and sealed, and replicas with empty data directories that serve the published seal through
 * curl and pkgsrc's fetch path, follow a re-seal, and ride out a stopped or corrupted bucket.
 */
package org.distvault.e2e.scaleout;

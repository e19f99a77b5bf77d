/**
 * Blobs in S3-compatible object storage (AWS S3, Ceph RGW, MinIO, Garage) through the AWS SDK for
 * Java v2: {@link org.distvault.storage.s3.S3BlobBackend} keeps each verified blob as the object
 * {@code PREFIX/blobs/sha512/ab/cd/<hex>}, and {@link org.distvault.storage.s3.CacheTier} keeps a
 * bounded set of them as local files, so that serving stays zero-copy and a hit costs no request.
 */
package org.distvault.storage.s3;

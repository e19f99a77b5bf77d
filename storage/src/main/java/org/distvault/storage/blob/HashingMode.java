package org.distvault.storage.blob;

/** How an ingest spreads its digest work over threads. */
public enum HashingMode {
  /**
   * The thread writing the blob also computes every digest, one after another per chunk (one
   * 512 KiB buffer per ingest).
   */
  SINGLE_THREAD,
  /**
   * One worker thread per algorithm, fed by the writing thread through a few rotating buffers, so
   * an ingest runs at about the speed of its slowest algorithm instead of their sum (when cores
   * are free). Uses four 512 KiB buffers per ingest.
   */
  THREAD_PER_ALGORITHM
}

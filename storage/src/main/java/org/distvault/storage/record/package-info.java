/**
 * What the store knows, as immutable values the vault hands out: distfile records with their
 * variants and bindings, blob records, the answer to a lookup, log entries, counts, and the
 * exception of a write refused by the seal.
 */
package org.distvault.storage.record;

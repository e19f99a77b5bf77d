/**
 * The store as a whole: the blob files and the catalog that describes them, kept in agreement.
 * Servers open a {@link org.distvault.storage.vault.Vault}; nothing else should open the blob
 * store or the catalog of a data directory on its own.
 */
package org.distvault.storage.vault;

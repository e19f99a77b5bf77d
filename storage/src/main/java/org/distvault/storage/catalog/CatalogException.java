package org.distvault.storage.catalog;

/**
 * A catalog operation failed in storage: RocksDB reported an error, or a stored value could not
 * be decoded. The message names the catalog directory and the operation.
 *
 * <p>Unchecked because a caller cannot repair the database; the HTTP layer maps it to a 500.
 * Bad arguments (an unknown variant, a blob that does not match) are {@link
 * IllegalArgumentException}s instead, and use after close is an {@link IllegalStateException}.
 */
public class CatalogException extends RuntimeException {
  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}

/**
 * Digest algorithms of pkgsrc distinfo files, computed together in one streaming pass.
 *
 * <p>This is the only package that imports Bouncy Castle.
 */
package org.distvault.storage.digest;

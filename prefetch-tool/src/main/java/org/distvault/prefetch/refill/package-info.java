/** {@code distvault refill}: from a sealed set's violations back to a prefetch, and a new seal. */
package org.distvault.prefetch.refill;

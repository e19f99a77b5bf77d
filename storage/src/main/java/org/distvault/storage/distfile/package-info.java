/**
 * What a distfile is expected to be and what became of fetching it: {@link
 * org.distvault.storage.distfile.ExpectedDistfile} (a manifest line or distinfo entry), the rule for
 * when two expectations are the same content, and a prefetch outcome. Plain values with no storage
 * in them, shared by the prefetch tool and the server.
 */
package org.distvault.storage.distfile;

/**
 * Tests of ops/pbulk/: {@code distvault-pbulk-build}, pbulk's build phase wrapped with a
 * prefetch, a seal and the operator's network hooks, run as pbulk's bulkbuild runs it against
 * the real jar server, a loopback upstream, a small pkgsrc tree scanned with real bmake, and stub
 * pbulk build and hook scripts that record what they saw.
 */
package org.distvault.e2e.pbulk;

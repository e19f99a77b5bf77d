/**
 * Tests of the installation material: {@code ops/install.sh} into a temporary prefix, the installed
 * launcher running the real jar (and refusing an old Java), and the systemd unit checked by
 * {@code systemd-analyze} and by its required directives.
 */
package org.distvault.e2e.install;

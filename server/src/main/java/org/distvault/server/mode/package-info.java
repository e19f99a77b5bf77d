/**
 * The server's modes: the {@link org.distvault.server.mode.Mode} enum, the persisted and audited
 * {@link org.distvault.server.mode.ModeService} (which also seals the cache when it goes offline),
 * and one {@link org.distvault.server.mode.MissPolicy} per mode deciding what a miss means.
 */
package org.distvault.server.mode;

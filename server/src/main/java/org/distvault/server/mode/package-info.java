/**
 * The server's modes: the {@link org.distvault.server.mode.Mode} enum, the persisted and audited
 * {@link org.distvault.server.mode.ModeService} (which also seals the cache when it goes offline),
 * one {@link org.distvault.server.mode.MissPolicy} per mode deciding what a miss means, and the
 * {@link org.distvault.server.mode.SetService} that seals, unseals, deletes and audits source sets
 * one by one.
 */
package org.distvault.server.mode;

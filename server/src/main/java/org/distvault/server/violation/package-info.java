/**
 * Violations: offline misses explained from the catalog ({@link
 * org.distvault.server.violation.MissAnalyzer}), recorded durably in the catalog's violations log
 * and copied to {@code DATA/log/violations.jsonl} ({@link
 * org.distvault.server.violation.ViolationRecorder}), and summed up per package for the bulk build
 * report ({@link org.distvault.server.violation.ViolationReport}).
 */
package org.distvault.server.violation;

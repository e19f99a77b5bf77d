/** Benchmarks behind the scripts in {@code ops/bench/}; never run by the test suite. */
package org.distvault.bench;

/**
 * The distvault server: {@link org.distvault.server.DistvaultServer} wires the vault, the modes, the
 * violation recorder, the metrics and the routes ({@code Routes}, the one place where URLs meet
 * handlers) and owns their lifecycle.
 */
package org.distvault.server;

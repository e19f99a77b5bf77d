package org.distvault.server.http;

/**
 * A parsed, validated request target of one of the serving routes: a {@link DistfileRequest} or a
 * {@link HashRequest}. Produced by {@link RequestTargetParser}.
 */
public sealed interface RequestTarget permits DistfileRequest, HashRequest {}

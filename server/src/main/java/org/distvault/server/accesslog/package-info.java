/**
 * The access log ({@code serve --access-log FILE}): one line per request, queued by the request's
 * thread and written by a thread of its own ({@link org.distvault.server.accesslog.AccessLog}).
 */
package org.distvault.server.accesslog;

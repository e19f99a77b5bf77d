package org.distvault.prefetch.fetch;

/** What a failed fetch suggests doing next. */
public enum Retry {
  /** Transient trouble with this host (429/503, timeout, reset, truncation): try this URL again later. */
  RETRY_HOST_LATER,
  /** This URL does not give the right file (404, wrong bytes, HTML page, …): try the next URL. */
  NEXT_URL,
  /** No URL can help (a local fault such as an unwritable spool): give up on this distfile. */
  PERMANENT
}

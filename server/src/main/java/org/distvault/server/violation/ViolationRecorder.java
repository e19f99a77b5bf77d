package org.distvault.server.violation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.distvault.server.health.Condition;
import org.distvault.server.health.Health;
import org.distvault.server.health.NoSpace;
import org.distvault.server.health.Unavailable;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records violations: durably in the catalog's violations log first (the call returns once the
 * entry is synced), then as a line of the JSON-lines file, then tells the listener (metrics).
 *
 * <p>A failed catalog append throws {@link Unavailable} and raises {@link
 * Condition#CATALOG_WRITE_FAILING} (the next success clears it): the caller must not send the 404,
 * since a miss is answered only once its violation is durable. The file lines of a whole group
 * commit are written at once by the thread that committed the group, after the sync and before the
 * appenders return ({@link Vault#onCommitted}): one open-write-close per fsync, not per violation.
 *
 * <p>A failed file write (a full disk) does not fail the request: the entries are durable in the
 * catalog. It raises {@link Condition#VIOLATIONS_FILE_BEHIND}, and from then on the group commit no
 * longer writes lines; {@link #completeFile} (run by the health monitor, never within a group
 * commit) copies every entry after the last line written, in cursor order, once the file can be
 * written again, and clears the condition. So the file never has a hole or a line twice, and the
 * log gets one line when the file falls behind and one when it has caught up. Thread-safe:
 * concurrent records are written together, one synced append per batch, by one writer thread. One recorder per catalog (it takes the catalog's
 * listener of the violations log).
 *
 * <p>Each violation is logged as a WARN line, at most {@link #WARN_LINES_PER_WINDOW} per
 * {@link #WARN_WINDOW_NANOS 10 s}; past that the rest of the window's violations are counted and
 * one WARN line names how many were not logged one by one (all are in the catalog, the file and
 * the admin API), written with the next violation after the window.
 */
public final class ViolationRecorder {
  private static final Logger log = LoggerFactory.getLogger(ViolationRecorder.class);

  /** Violations logged one by one per window; a flood of misses must not become a flood of log lines. */
  static final int WARN_LINES_PER_WINDOW = 100;

  static final long WARN_WINDOW_NANOS = 10_000_000_000L;

  /** Most violations written in one batch. */
  static final int MAX_BATCH = 1024;

  /** Larger entries are appended alone (a hostile request's refusal must not fail its batch). */
  static final int MAX_GATHERED_PAYLOAD = 64 * 1024;

  /**
   * Under a flood of violations (the last batch held at least {@link #LINGER_AFTER}) and with fewer
   * than {@link #LINGER_BELOW} queued, the writer waits this long before its next batch, so that
   * one sync carries more violations: each sync costs the writer CPU time that the I/O threads
   * would otherwise have (on a 2-core machine an eighth of the server's CPU samples were in
   * {@code fdatasync} with 25 violations per sync). A single miss, or a few, never wait: their
   * batches are small.
   */
  static final long LINGER_NANOS = 300_000;

  /** Queued violations from which the writer writes at once, without {@link #LINGER_NANOS}. */
  static final int LINGER_BELOW = 48;

  /** The size of the last batch from which the writer lingers ({@link #LINGER_NANOS}). */
  static final int LINGER_AFTER = 8;

  /** How long the writer thread waits for more violations before it ends. */
  static final long WRITER_IDLE_MILLIS = 5_000;

  /**
   * The catalog state saying after which cursor the file stopped (ASCII digits), empty once it is
   * complete.
   */
  static final String BEHIND_KEY = "violations.file.stopped-after";

  private final Vault vault;
  private final ViolationLog file;
  private final Consumer<ViolationKind> listener;
  private final LongSupplier nanoTime;
  private final Health health;
  private final Object warnLock = new Object();
  /** Guards {@link #queue} and {@link #writing}. */
  private final Object queueLock = new Object();
  /** Appends waiting for the writer. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Whether a writer thread runs (or is being started). */
  private boolean writing;
  /** Guards the file-copy state below; never held while calling the catalog. */
  private final Object copyLock = new Object();
  /** The newest cursor written to the file by this process (or there at start). */
  private long copied;
  /** The newest durable cursor a group commit told of. */
  private long latest;
  /** Whether entries after {@link #copied} still have to be written to the file. */
  private boolean behind;
  /** What the catalog says about where the file stopped, as far as this process knows. */
  private volatile OptionalLong marked = OptionalLong.empty();
  private long windowStart;
  private int warnedInWindow;
  private long unwarned;

  /**
   * @param listener told the kind of every recorded violation (e.g. a counter); must not block
   */
  public ViolationRecorder(Vault vault, ViolationLog file, Consumer<ViolationKind> listener) {
    this(vault, file, listener, new Health());
  }

  /**
   * As above, telling {@code health} when the catalog or the file cannot be written.
   */
  public ViolationRecorder(Vault vault, ViolationLog file, Consumer<ViolationKind> listener, Health health) {
    this(vault, file, listener, System::nanoTime, health);
  }

  /** As above, with the clock of the WARN windows (tests). */
  ViolationRecorder(Vault vault, ViolationLog file, Consumer<ViolationKind> listener, LongSupplier nanoTime) {
    this(vault, file, listener, nanoTime, new Health());
  }

  private ViolationRecorder(Vault vault, ViolationLog file, Consumer<ViolationKind> listener, LongSupplier nanoTime,
      Health health) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.file = Objects.requireNonNull(file, "file");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.health = Objects.requireNonNull(health, "health");
    this.windowStart = nanoTime.getAsLong();
    // What the catalog holds now is the start-up catch-up's business (catchUpFile).
    this.copied = vault.lastCursor(LogKind.VIOLATIONS);
    this.latest = copied;
    vault.onCommitted(LogKind.VIOLATIONS, this::copyToFile);
  }

  /**
   * Writes a committed group's lines to the file (by the thread that committed the group), unless the
   * file is behind: then {@link #completeFile} writes them after the older ones. It must not read
   * the catalog here: the group commit waiting for the catalog would stall every writer.
   */
  private void copyToFile(List<LogEntry> entries) {
    synchronized (copyLock) {
      latest = Math.max(latest, entries.get(entries.size() - 1).cursor());
      if (behind) {
        return;
      }
      List<LogEntry> fresh = entries.stream().filter(e -> e.cursor() > copied).toList();
      if (fresh.isEmpty()) {
        return;
      }
      try {
        file.appendRecorded(fresh);
        copied = fresh.get(fresh.size() - 1).cursor();
      } catch (IOException | RuntimeException e) {
        fallBehind(e);
      }
    }
  }

  /** Marks the file behind after a failed write; the caller holds {@link #copyLock}. */
  private void fallBehind(Exception e) {
    behind = true;
    health.raise(Condition.VIOLATIONS_FILE_BEHIND, "violations after cursor " + copied
        + " are recorded in the catalog but could not be written to " + file.file() + ": " + e.getMessage()
        + "; they are copied once it can be written again");
  }

  /**
   * When the file is behind the catalog, copies every entry after its last line, in cursor order,
   * and clears {@link Condition#VIOLATIONS_FILE_BEHIND} once nothing is missing. Does nothing when
   * the file is up to date. Called periodically by the health monitor; must not be called from a
   * log listener (within a group commit).
   *
   * <p>While the file is behind, the catalog also holds where it stopped ({@link #BEHIND_KEY}), so
   * that a restart completes it even when it is empty or missing (which start-up otherwise takes
   * for a rotated file, not to be filled again).
   *
   * @return how many lines were written
   */
  public int completeFile() {
    int written = 0;
    for (int pages = 0; pages < 1_000_000; pages++) {
      long from;
      boolean done;
      synchronized (copyLock) {
        done = !behind || copied >= latest;
        if (behind && done) {
          behind = false;
          health.clear(Condition.VIOLATIONS_FILE_BEHIND);
        }
        from = copied;
      }
      if (done) {
        mark(OptionalLong.empty());
        return written;
      }
      mark(OptionalLong.of(from));
      List<LogEntry> page = vault.read(LogKind.VIOLATIONS, from, Vault.MAX_PAGE); // not under the lock
      synchronized (copyLock) {
        List<LogEntry> fresh = page.stream().filter(e -> e.cursor() > copied).toList();
        if (fresh.isEmpty()) {
          copied = Math.max(copied, latest); // nothing stored after it: nothing to copy
          continue;
        }
        try {
          file.appendRecorded(fresh);
        } catch (IOException | RuntimeException e) {
          fallBehind(e);
          return written;
        }
        copied = fresh.get(fresh.size() - 1).cursor();
        latest = Math.max(latest, copied);
        written += fresh.size();
      }
    }
    return written;
  }

  /**
   * Stores in the catalog where the file stopped ({@code after}), or that it is complete (empty),
   * unless it already says so. A failed write is tried again at the next call.
   */
  private void mark(OptionalLong after) {
    if (after.equals(marked)) {
      return;
    }
    if (marked.isPresent() && after.isPresent()) {
      return; // the first place it stopped is what counts until it is complete
    }
    try {
      vault.putState(BEHIND_KEY, after.isPresent()
          ? Long.toString(after.getAsLong()).getBytes(StandardCharsets.US_ASCII) : new byte[0]);
      marked = after;
    } catch (RuntimeException e) {
      log.debug("cannot store where {} stopped: {}", file.file(), e.toString());
    }
  }

  /** Where the catalog says the file stopped, if it says so. */
  private OptionalLong storedMark() {
    Optional<byte[]> v = vault.state(BEHIND_KEY);
    if (v.isEmpty() || v.get().length == 0) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(new String(v.get(), StandardCharsets.US_ASCII)));
    } catch (NumberFormatException e) {
      log.warn("ignoring the unreadable state {}: {}", BEHIND_KEY, e.toString());
      return OptionalLong.empty();
    }
  }

  /** Whether violations recorded in the catalog are still missing from the file. */
  public boolean fileBehind() {
    synchronized (copyLock) {
      return behind;
    }
  }

  /**
   * Records {@code v} and returns it with its cursor, once it is durable.
   *
   * @throws Unavailable when the catalog could not store it (then nothing is recorded)
   * @throws IllegalStateException when the vault is closed
   */
  public Violation record(Violation v) {
    try {
      return recordLater(v).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Records {@code v} without waiting: the result completes with it and its cursor once it is
   * durable (the line in the file is written before), or with {@link Unavailable} when the catalog
   * could not store it (then nothing is recorded), or {@link IllegalStateException} when the vault
   * is closed. It completes on the thread that wrote the entry: what depends on it must not block.
   * Never blocks the calling thread (an HTTP I/O thread may call it): the entry is written by the
   * writer thread.
   */
  public CompletableFuture<Violation> recordLater(Violation v) {
    Violation unrecorded = v.cursor() == 0 ? v : v.withCursor(0);
    Pending mine = new Pending(v, ViolationJson.toBytes(unrecorded), new CompletableFuture<>());
    enqueue(mine);
    return mine.recorded;
  }

  /** {@code v} with its cursor, told to the listener and logged; or the failure to store it, as thrown to callers. */
  private Violation recorded(Violation v, long cursor, Throwable failure) {
    if (failure != null) {
      Throwable e = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
      if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
        throw (RuntimeException) e; // closed, or a bug: not a condition of the store
      }
      health.raise(Condition.CATALOG_WRITE_FAILING, "cannot record violations: " + e.getMessage());
      throw new Unavailable("cannot record this " + v.kind().wireName() + " violation now, so it is not answered: "
          + (NoSpace.in(e) ? "no space left on the data file system" : "the catalog cannot be written")
          + " (see /healthz)", e);
    }
    health.clear(Condition.CATALOG_WRITE_FAILING);
    Violation recorded = v.withCursor(cursor);
    listener.accept(recorded.kind());
    warn(recorded);
    return recorded;
  }

  /**
   * Queues one violation for the violations log; its future completes once it is durable (see
   * {@link #complete}). One writer thread takes everything queued and writes it with one {@link
   * Vault#appendAll} (one group commit) at a time, so that under a flood of misses no request
   * thread waits for a sync (each is told once, by its future) and the catalog sees one violation
   * writer instead of every waiting request waking at every group commit. The writer is started
   * when needed and ends after {@link #WRITER_IDLE_MILLIS} without work.
   */
  private void enqueue(Pending mine) {
    boolean start;
    synchronized (queueLock) {
      queue.add(mine);
      start = !writing;
      writing = true;
      if (!start && queue.size() == 1) {
        queueLock.notify(); // the writer may be waiting for work
      }
    }
    if (start) {
      startWriter();
    }
  }

  private void startWriter() {
    Thread writer = new Thread(this::writeQueued, "violation-writer");
    writer.setDaemon(true);
    try {
      writer.start();
    } catch (OutOfMemoryError | RuntimeException e) {
      writeQueued(); // no thread to be had: write on this one
    }
  }

  /** The writer: batches until the queue stayed empty for {@link #WRITER_IDLE_MILLIS}. */
  private void writeQueued() {
    int last = 0;
    for (;;) {
      List<Pending> batch = new ArrayList<>();
      if (last >= LINGER_AFTER) {
        int queued;
        synchronized (queueLock) {
          queued = queue.size();
        }
        if (queued < LINGER_BELOW) {
          LockSupport.parkNanos(LINGER_NANOS);
        }
      }
      synchronized (queueLock) {
        long until = System.nanoTime() + WRITER_IDLE_MILLIS * 1_000_000L;
        boolean interrupted = false;
        while (queue.isEmpty()) {
          long left = until - System.nanoTime();
          if (left <= 0 || interrupted) {
            writing = false;
            return;
          }
          try {
            queueLock.wait(Math.max(1, left / 1_000_000L));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
          batch.add(p);
        }
      }
      last = batch.size();
      writeBatch(batch);
    }
  }

  /**
   * Writes the batch in one synced append and completes each entry with its cursor or the failure.
   * An entry larger than {@link #MAX_GATHERED_PAYLOAD} is appended alone: a refusal of its size
   * fails no other entry.
   */
  private void writeBatch(List<Pending> batch) {
    List<Pending> gathered = new ArrayList<>(batch.size());
    List<byte[]> payloads = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.payload.length > MAX_GATHERED_PAYLOAD) {
        long cursor;
        try {
          cursor = vault.append(LogKind.VIOLATIONS, p.payload);
        } catch (RuntimeException | Error e) {
          complete(p, 0, e);
          continue;
        }
        complete(p, cursor, null);
      } else {
        gathered.add(p);
        payloads.add(p.payload);
      }
    }
    if (gathered.isEmpty()) {
      return;
    }
    long[] cursors;
    try {
      cursors = vault.appendAll(LogKind.VIOLATIONS, payloads);
    } catch (RuntimeException | Error e) {
      for (Pending p : gathered) {
        complete(p, 0, e);
      }
      return;
    }
    for (int i = 0; i < cursors.length; i++) {
      complete(gathered.get(i), cursors[i], null);
    }
  }

  /**
   * Completes a queued violation with its cursor, or with the failure to store it (see {@link
   * #recorded}). Whatever telling the listener or logging throws fails that violation's request, not
   * the writer thread.
   */
  private void complete(Pending p, long cursor, Throwable failure) {
    try {
      p.recorded.complete(recorded(p.violation, cursor, failure));
    } catch (RuntimeException | Error e) {
      p.recorded.completeExceptionally(e);
    }
  }

  /** One queued violation: what the caller gave, its catalog payload, and what the caller awaits. */
  private record Pending(Violation violation, byte[] payload, CompletableFuture<Violation> recorded) {}

  /** The WARN line of a violation, unless this window already had its share (then it is counted). */
  private void warn(Violation recorded) {
    long skipped = 0;
    boolean logIt;
    synchronized (warnLock) {
      long now = nanoTime.getAsLong();
      if (now - windowStart >= WARN_WINDOW_NANOS) {
        skipped = unwarned;
        unwarned = 0;
        warnedInWindow = 0;
        windowStart = now;
      }
      logIt = warnedInWindow < WARN_LINES_PER_WINDOW;
      if (logIt) {
        warnedInWindow++;
      } else {
        unwarned++;
      }
    }
    if (skipped > 0) {
      log.warn("{} more violations in the last {} s were recorded but not logged one by one "
          + "(see {} or GET /api/v1/violations)", skipped, WARN_WINDOW_NANOS / 1_000_000_000L, file.file());
    }
    if (logIt) {
      log.warn("violation {}: {} {} {} from {} ({}){}{}", recorded.cursor(), recorded.kind(), recorded.method(),
          recorded.path(), recorded.client(), recorded.reason(),
          recorded.run().map(r -> " run " + r).orElse(""),
          recorded.set().isDefault() ? "" : " set " + recorded.set());
    }
  }

  /** Up to {@code limit} recorded violations after {@code afterCursor}, oldest first. */
  public List<Violation> read(long afterCursor, int limit) {
    List<Violation> out = new ArrayList<>();
    for (LogEntry e : vault.read(LogKind.VIOLATIONS, afterCursor, limit)) {
      out.add(ViolationJson.fromBytes(e.cursor(), e.payload()));
    }
    return out;
  }

  /** The cursor of the newest violation, 0 when there is none: also how many there are. */
  public long lastCursor() {
    return vault.lastCursor(LogKind.VIOLATIONS);
  }

  /**
   * Copies to the JSON-lines file what a crash, or a full disk before a restart, kept from it (see
   * {@link ViolationLog#catchUp}); an empty or missing file is filled only when the catalog says
   * the file had stopped ({@link #completeFile}), since otherwise it was rotated away. Call once,
   * at start-up, before violations are recorded. A write that fails does not throw: the file is
   * marked behind after its last line, and {@link #completeFile} finishes the copy once it can be
   * written.
   *
   * @return how many lines were written
   */
  public int catchUpFile() {
    long last = lastCursor();
    OptionalLong stopped = storedMark();
    marked = stopped;
    long inFile = 0;
    try {
      inFile = file.lastCursorInTail();
      int n = stopped.isPresent() && inFile == 0
          ? file.copyAfter(stopped.getAsLong(), last, after -> read(after, Vault.MAX_PAGE))
          : file.catchUp(last, after -> read(after, Vault.MAX_PAGE));
      mark(OptionalLong.empty());
      return n;
    } catch (IOException e) {
      long resume;
      try {
        inFile = file.lastCursorInTail();
        resume = inFile > 0 ? inFile : stopped.orElse(last);
      } catch (IOException unreadable) {
        // Where to resume is unknown: copying nothing more is better than copying lines twice.
        log.error("cannot read {} to find where to resume copying violations: {}", file.file(),
            unreadable.toString());
        resume = last;
      }
      synchronized (copyLock) {
        copied = resume;
        latest = Math.max(latest, last);
        fallBehind(e);
      }
      return 0;
    }
  }
}

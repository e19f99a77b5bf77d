package org.distvault.server.accesslog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An access log file written off the request path. {@link #add} puts a line in a bounded queue and
 * never blocks: when the queue is full the line is dropped and counted ({@link #dropped}). A
 * writer thread takes what has queued up within {@link #GATHER_MILLIS} of a first line and appends
 * it with one open-write-close, so a log rotation that renames the file is picked up at the next
 * write, as with the violations log.
 *
 * <p>Thread-safe. {@link #close} writes what is queued, then stops the writer; lines added after
 * it are dropped.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

  /** Lines queued at most: at ~200 bytes a line, some 13 MB, a few seconds of a saturated server. */
  public static final int QUEUE_LINES = 65_536;

  /** Lines written with one open-write-close at most. */
  static final int GROUP_LINES = 8192;

  /** How long a line may wait for others to be written with: the log runs this far behind. */
  static final long GATHER_MILLIS = 50;

  private final Path file;
  private final BlockingQueue<String> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closing;
  // Read and written by the writer thread only.
  private boolean failing;

  /** Not yet writing: lines queue up until {@link #startWriter}. */
  AccessLog(Path file, int queueLines) {
    this.file = file;
    this.queue = new ArrayBlockingQueue<>(queueLines);
    this.writer = new Thread(this::writeUntilClosed, "distvault-access-log");
    writer.setDaemon(true);
  }

  /**
   * Opens {@code file} for appending (creating it and its directory) to check it can be written,
   * then starts the writer.
   *
   * @throws UnwritableAccessLogException when the file cannot be created or opened for appending
   */
  public static AccessLog start(Path file) throws UnwritableAccessLogException {
    return start(file, QUEUE_LINES);
  }

  static AccessLog start(Path file, int queueLines) throws UnwritableAccessLogException {
    Objects.requireNonNull(file, "file");
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      open(file).close();
    } catch (IOException e) {
      throw new UnwritableAccessLogException(file, e);
    }
    AccessLog accessLog = new AccessLog(file, queueLines);
    accessLog.startWriter();
    return accessLog;
  }

  void startWriter() {
    writer.start();
  }

  public Path file() {
    return file;
  }

  /** Queues one line (without its newline); drops and counts it when the queue is full. Never blocks. */
  public void add(String line) {
    if (closing || !queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped: the queue was full, the log was closed, or writing them failed. */
  public long dropped() {
    return dropped.get();
  }

  private void writeUntilClosed() {
    List<String> group = new ArrayList<>(GROUP_LINES);
    while (true) {
      try {
        String first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        group.add(first);
        if (!closing) {
          // Let a group gather: under load one open-write-close carries hundreds of lines, where
          // writing each line as it came cost more CPU than the request it logs (ops/bench).
          Thread.sleep(GATHER_MILLIS);
        }
        queue.drainTo(group, GROUP_LINES - 1);
        write(group);
        group.clear();
      } catch (InterruptedException e) {
        // Only close() interrupts, after its wait: what is still queued is dropped.
        dropped.addAndGet(queue.size());
        return;
      }
    }
  }

  private void write(List<String> lines) {
    StringBuilder text = new StringBuilder(lines.size() * 160);
    for (String l : lines) {
      text.append(l).append('\n');
    }
    ByteBuffer out = StandardCharsets.UTF_8.encode(text.toString());
    try (FileChannel ch = openCreatingDirectory()) {
      while (out.hasRemaining()) {
        ch.write(out);
      }
      if (failing) {
        failing = false;
        log.info("writing {} again", file);
      }
    } catch (IOException e) {
      dropped.addAndGet(lines.size());
      // Once per failing spell, not once per group: a full disk would flood the log.
      if (!failing) {
        failing = true;
        log.warn("cannot write {}: {}; dropping its lines until a write succeeds", file, e.toString());
      }
    }
  }

  private FileChannel openCreatingDirectory() throws IOException {
    try {
      return open(file);
    } catch (NoSuchFileException e) {
      // Rotated together with its directory, or removed by hand.
      Files.createDirectories(file.toAbsolutePath().getParent());
      return open(file);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Writes the lines queued so far (waiting at most 10 s for that), then stops the writer. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(10_000);
      if (writer.isAlive()) {
        writer.interrupt();
        writer.join(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

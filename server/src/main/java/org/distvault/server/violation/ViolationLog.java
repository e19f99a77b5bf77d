package org.distvault.server.violation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;
import org.distvault.storage.record.LogEntry;

/**
 * The JSON-lines copy of the violations log for log shippers: {@code DATA/log/violations.jsonl},
 * one {@link ViolationJson} object (with its cursor) per line.
 *
 * <p>The catalog is the record; this file is a copy written after it, a whole group commit at a
 * time: the vault's group commit hands each group's entries to {@link #appendRecorded} once they are
 * durable, so under a flood of misses the file costs one open, one write and one close per fsync,
 * not per line. Each write opens the file in append mode and closes it again, so a log rotation
 * that moves the file away is picked up at the next write. A write that fails (a full disk) is
 * taken back: the file keeps ending with a whole line. Thread-safe: writes are serialised.
 */
public final class ViolationLog {
  /** How much of the file's end {@link #catchUp} reads to find the cursors already copied. */
  static final int TAIL_BYTES = 1 << 20;

  /** More lines than requests a server runs at once: how far out of order lines can be. */
  static final int REORDER_SLACK = 256;

  /** One line: the cursor it carries and its JSON. */
  private record Line(long cursor, byte[] json) {}

  private final Path file;

  public ViolationLog(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** {@code DATA/log/violations.jsonl}. */
  public static ViolationLog in(Path dataDir) {
    return new ViolationLog(dataDir.resolve("log").resolve("violations.jsonl"));
  }

  public Path file() {
    return file;
  }

  /** Appends one recorded violation as one line. */
  public void append(Violation recorded) throws IOException {
    write(List.of(new Line(recorded.cursor(), ViolationJson.toBytes(recorded))));
  }

  /**
   * Appends the lines of recorded violations given as the catalog stores them (their JSON without
   * the cursor, {@link ViolationJson#toBytes} of each with cursor 0): the same lines as {@link
   * #append} of each, without encoding them again, in one write, in cursor order.
   */
  public void appendRecorded(List<LogEntry> entries) throws IOException {
    List<Line> lines = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      lines.add(new Line(e.cursor(), withCursor(e.cursor(), e.payload())));
    }
    write(lines);
  }

  /** The line of violation {@code cursor} from its catalog payload: the cursor put first. */
  static byte[] withCursor(long cursor, byte[] payload) {
    if (payload.length < 2 || payload[0] != '{' || payload[1] != '"') {
      throw new IllegalArgumentException("violation " + cursor + ": payload is not a JSON object with fields");
    }
    byte[] head = ("{\"cursor\":" + cursor + ",").getBytes(StandardCharsets.UTF_8);
    byte[] json = Arrays.copyOf(head, head.length + payload.length - 1);
    System.arraycopy(payload, 1, json, head.length, payload.length - 1);
    return json;
  }

  /** Writes the lines, sorted by cursor, with one open-write-close. */
  private synchronized void write(List<Line> lines) throws IOException {
    List<Line> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparingLong(Line::cursor));
    int bytes = 0;
    for (Line l : sorted) {
      bytes += l.json().length + 1;
    }
    ByteBuffer out = ByteBuffer.allocate(bytes);
    for (Line l : sorted) {
      out.put(l.json()).put((byte) '\n');
    }
    out.flip();
    try {
      FileChannel opened;
      try {
        opened = open();
      } catch (NoSuchFileException e) {
        Files.createDirectories(file.getParent()); // only when missing: not two calls per write
        opened = open();
      }
      try (FileChannel ch = opened) {
        long before = ch.size();
        try {
          while (out.hasRemaining()) {
            ch.write(out);
          }
        } catch (IOException e) {
          cutBack(ch, before, e);
          throw e;
        }
      }
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Takes back the part of a write that reached the file before it failed (on a full disk the
   * first blocks may fit and the rest not), so that the file still ends with a whole line and the
   * retry appends after it. Shrinking needs no space.
   */
  private static void cutBack(FileChannel ch, long size, IOException failure) {
    try {
      ch.truncate(size);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private FileChannel open() throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /**
   * Copies the violations a crash kept from reaching the file: those recorded in the catalog after
   * the last line of the file, or among its last lines but missing from them. Only entries in
   * flight when the process died can be missing, and they are at the end. A missing or empty file
   * (new store, or rotated away) is left as it is: history is not copied again.
   *
   * @param lastCursor the newest cursor in the catalog
   * @param read reads the catalog entries after a cursor, oldest first (one page)
   * @return how many lines were appended
   */
  public synchronized int catchUp(long lastCursor, LongFunction<List<Violation>> read) throws IOException {
    List<String> tail = tailLines();
    Set<Long> seen = new HashSet<>();
    long min = Long.MAX_VALUE;
    // Lines of concurrent appends may be out of order: start after the first few lines of the
    // tail, whose neighbours may lie before it, and skip every cursor the tail holds.
    int skip = tail.size() > 2 * REORDER_SLACK ? REORDER_SLACK : 0;
    for (int i = 0; i < tail.size(); i++) {
      long c = cursorOf(tail.get(i));
      if (c > 0) {
        seen.add(c);
        if (i >= skip) {
          min = Math.min(min, c);
        }
      }
    }
    if (seen.isEmpty() || min == Long.MAX_VALUE) {
      return 0;
    }
    int appended = 0;
    long after = min;
    for (int guard = 0; guard < 1_000_000 && after < lastCursor; guard++) {
      List<Violation> page = read.apply(after);
      if (page.isEmpty()) {
        break;
      }
      for (Violation v : page) {
        if (!seen.contains(v.cursor())) {
          append(v);
          appended++;
        }
        after = v.cursor();
      }
    }
    return appended;
  }

  /**
   * Appends every catalog entry after cursor {@code after}, whatever the file holds: for a file
   * known to have stopped there (see {@link ViolationRecorder#completeFile}).
   *
   * @return how many lines were appended
   */
  public synchronized int copyAfter(long after, long lastCursor, LongFunction<List<Violation>> read)
      throws IOException {
    int appended = 0;
    long from = after;
    for (int guard = 0; guard < 1_000_000 && from < lastCursor; guard++) {
      List<Violation> page = read.apply(from);
      if (page.isEmpty()) {
        break;
      }
      List<Line> lines = new ArrayList<>(page.size());
      for (Violation v : page) {
        lines.add(new Line(v.cursor(), ViolationJson.toBytes(v)));
      }
      write(lines);
      appended += lines.size();
      from = page.get(page.size() - 1).cursor();
    }
    return appended;
  }

  /** The newest cursor among the last lines of the file; 0 when it has none (missing, empty). */
  public synchronized long lastCursorInTail() throws IOException {
    long max = 0;
    for (String line : tailLines()) {
      max = Math.max(max, cursorOf(line));
    }
    return max;
  }

  /** The complete lines in the last {@link #TAIL_BYTES} of the file (the first may be cut: dropped). */
  private List<String> tailLines() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long from = Math.max(0, size - TAIL_BYTES);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      for (int n = 0; n >= 0 && buf.hasRemaining(); ) {
        n = ch.read(buf, from + buf.position());
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      List<String> lines = List.of(text.split("\n", -1));
      int first = from > 0 ? 1 : 0;
      // The last element is what follows the final newline: a line cut by a crash, or "".
      return lines.subList(Math.min(first, lines.size()), Math.max(first, lines.size() - 1));
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  private static long cursorOf(String line) {
    try {
      return ViolationJson.cursorOf(line);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      return 0; // a damaged line: not counted as copied, so its entry is copied again
    }
  }
}

package org.distvault.storage.distinfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A reader of pkgsrc distinfo files that never throws for bad content.
 *
 * <p><b>Lines.</b> Lines end at LF; the last line needs none. Spaces, tabs and CR around a line
 * are dropped, so CRLF files read like LF files. Each line is decoded as strict UTF-8; a line
 * that is not valid UTF-8 is a problem and is skipped. Then:
 *
 * <ul>
 *   <li>blank lines are skipped wherever they are;
 *   <li>lines starting with {@code #} are comments (pkgsrc's checksum.awk skips them too);
 *   <li>the first line starting with {@code $} is the header, kept as written, if no entry line
 *       came before it; a file may have no header. Any later {@code $} line is a problem;
 *   <li>every other line must be {@code ALG (name) = value} or {@code Size (name) = N [bytes]};
 *       anything else is a problem. Fields are split on runs of spaces and tabs, as pkgsrc's awk
 *       and shell readers split them, so {@code Size (f) =  123 bytes} (two spaces) is fine, and
 *       so is {@code Size (f) = 123} ({@code mk/fetch/fetch} never checks the unit); any other
 *       unit is a problem. A name cannot contain whitespace ({@code checksum.awk} takes it from
 *       one field).
 * </ul>
 *
 * <p><b>Digests.</b> SHA1, RMD160, SHA512, BLAKE2s and SHA256, spelled exactly so, need
 * lower-case hex of the algorithm's length; otherwise the line is a problem. {@code IGNORE}
 * values and algorithms distvault does not know ({@code MD5}, {@code SHA384}, {@code TIGER}, ...)
 * are not problems: they are kept in the entry's {@code otherDigests}. An entry left without any
 * digest distvault knows is reported once as a problem (it is still listed). The same name and
 * algorithm twice with different values is a problem; the first value is kept. Exact repeats
 * are harmless and silent.
 *
 * <p><b>Distfile or patch.</b> All lines of one name form one entry, whatever their order. A
 * name with no checksum line at all (a {@code Size} line alone) is a problem and not an entry:
 * pkgsrc cannot verify it either. Otherwise the name is a <em>patch</em> exactly when it has no
 * {@code Size} line, contains no {@code /} (no DIST_SUBDIR) and {@link
 * PatchEntry#isPatchFileName is named like a patch}; everything else is a <em>distfile</em>. So
 * {@code patch-2.7.6.tar.xz} with a Size line is a distfile, and an old {@code SHA1}+{@code
 * RMD160} entry without Size, such as {@code foo-1.0.tar.gz}, is a distfile of unknown size.
 *
 * <p><b>Names</b> are kept exactly as written (no percent-decoding: {@code
 * mysql%2B%2B-3.3.0.tar.gz} stays literal) and must pass {@link
 * org.distvault.storage.name.DistfileName}'s checks, else the line is a problem.
 *
 * <p>Stateless and thread-safe.
 */
public final class DistinfoParser {
  private DistinfoParser() {}

  /**
   * Reads and parses a distinfo file, labelled with its path.
   *
   * @throws IOException only when the file cannot be read
   */
  public static Distinfo parse(Path file) throws IOException {
    return parse(file.toString(), Files.readAllBytes(file));
  }

  /** Parses distinfo content; {@code source} labels the problems (usually the file's path). */
  public static Distinfo parse(String source, byte[] content) {
    return new Run(source).parse(content);
  }

  /** The state of parsing one file. */
  private static final class Run {
    private final String source;
    private final List<DistinfoProblem> problems = new ArrayList<>();
    private final EntryCollector entries;
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private String header;
    private int headerLine;
    private boolean sawEntryLine;

    Run(String source) {
      this.source = source;
      this.entries = new EntryCollector(source, problems);
    }

    Distinfo parse(byte[] content) {
      int lineNo = 0;
      int start = 0;
      while (start < content.length) {
        int end = start;
        boolean ascii = true;
        while (end < content.length && content[end] != '\n') {
          ascii &= content[end] >= 0;
          end++;
        }
        lineNo++;
        String text = decode(lineNo, content, start, end - start, ascii);
        if (text != null) {
          line(lineNo, text);
        }
        start = end + 1;
      }
      List<DistfileEntry> distfiles = new ArrayList<>();
      List<PatchEntry> patches = new ArrayList<>();
      entries.finish(distfiles, patches);
      problems.sort(Comparator.comparingInt(DistinfoProblem::line));
      return new Distinfo(source, Optional.ofNullable(header), distfiles, patches, problems);
    }

    /** The line as text without surrounding blanks, or null (and a problem) if not UTF-8. */
    private String decode(int lineNo, byte[] content, int off, int len, boolean ascii) {
      String text;
      if (ascii) {
        // Every byte < 0x80: ISO-8859-1 decodes it identically and much faster.
        text = new String(content, off, len, StandardCharsets.ISO_8859_1);
      } else {
        ByteBuffer in = ByteBuffer.wrap(content, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        utf8.reset();
        CoderResult r = utf8.decode(in, out, true);
        if (r.isError()) {
          int column = in.position() - off + 1;
          problems.add(
              DistinfoProblem.of(
                  source,
                  lineNo,
                  new String(content, off, len, StandardCharsets.UTF_8),
                  String.format(
                      "not valid UTF-8 (byte 0x%02x at byte %d of the line)",
                      content[in.position()] & 0xff, column)));
          return null;
        }
        utf8.flush(out);
        text = out.flip().toString();
      }
      return strip(text);
    }

    private void line(int lineNo, String text) {
      if (text.isEmpty() || text.charAt(0) == '#') {
        return;
      }
      if (text.charAt(0) == '$') {
        if (header == null && !sawEntryLine) {
          header = text;
          headerLine = lineNo;
        } else {
          problems.add(
              DistinfoProblem.of(
                  source,
                  lineNo,
                  text,
                  header == null
                      ? "RCS Id line after entries (the header must come first); ignored"
                      : "second RCS Id line (the header is line " + headerLine + "); ignored"));
        }
        return;
      }
      sawEntryLine = true;
      EntryLine entry = EntryLine.parse(text);
      if (entry instanceof EntryLine.Malformed m) {
        problems.add(DistinfoProblem.of(source, lineNo, text, m.message()));
      } else {
        entries.add(lineNo, text, entry);
      }
    }

    private static String strip(String s) {
      int b = 0;
      int e = s.length();
      while (b < e && isBlank(s.charAt(b))) {
        b++;
      }
      while (e > b && isBlank(s.charAt(e - 1))) {
        e--;
      }
      return s.substring(b, e);
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\r';
    }
  }
}

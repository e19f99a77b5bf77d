package org.distvault.storage.distinfo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven tests of every distinfo oddity: each case is an input text and the exact
 * rendering of what the parser returns (header, entries with full hex and sizes, problems).
 */
class DistinfoParserTest {
  // Placeholders for well-formed digests: {S1} {S1X} {R1} {S5} {S5X} {B2}.
  private static final Map<String, String> HEX =
      Map.of(
          "{S1}", "0123456789abcdef0123456789abcdef01234567",
          "{S1X}", "fedcba9876543210fedcba9876543210fedcba98",
          "{R1}", "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd",
          "{S5}", "0123456789abcdef".repeat(8),
          "{S5X}", "fedcba9876543210".repeat(8),
          "{B2}", "00112233445566778899aabbccddeeff".repeat(2));

  private static final String HDR = "$NetBSD: distinfo,v 1.224 2023/11/30 20:18:54 adam Exp $";

  static Stream<Arguments> cases() {
    return Stream.of(
        c(
            "modern BLAKE2s+SHA512+Size and a SHA1 patch",
            HDR + """


            BLAKE2s (cmake-3.27.9.tar.gz) = {B2}
            SHA512 (cmake-3.27.9.tar.gz) = {S5}
            Size (cmake-3.27.9.tar.gz) = 10984490 bytes
            SHA1 (patch-Auxiliary_CMakeLists.txt) = {S1}
            """,
            "header " + HDR + """

            D cmake-3.27.9.tar.gz size=10984490 SHA512={S5} BLAKE2s={B2}
            P patch-Auxiliary_CMakeLists.txt SHA1={S1}
            """),
        c(
            "2017Q4 SHA1+RMD160+SHA512+Size with a DIST_SUBDIR",
            """
            $NetBSD: distinfo,v 1.107 2017/12/10 00:46:25 ryoon Exp $

            SHA1 (firefox-l10n-57.0.2/ach.xpi) = {S1}
            RMD160 (firefox-l10n-57.0.2/ach.xpi) = {R1}
            SHA512 (firefox-l10n-57.0.2/ach.xpi) = {S5}
            Size (firefox-l10n-57.0.2/ach.xpi) = 460838 bytes
            """,
            """
            header $NetBSD: distinfo,v 1.107 2017/12/10 00:46:25 ryoon Exp $
            D firefox-l10n-57.0.2/ach.xpi size=460838 SHA512={S5} SHA1={S1} RMD160={R1}
            """),
        c(
            "multi-level DIST_SUBDIR and literal % + @ ~ , in names",
            """
            $NetBSD$

            SHA1 (suse100/i586/alsa-1.0.9-23.2.i586.rpm) = {S1}
            Size (suse100/i586/alsa-1.0.9-23.2.i586.rpm) = 2475415 bytes
            BLAKE2s (mysql%2B%2B-3.3.0.tar.gz) = {B2}
            Size (mysql%2B%2B-3.3.0.tar.gz) = 4635623 bytes
            BLAKE2s (influxdb-2.6.0/bazil.org_fuse_@v_v0.0.0-2016.mod) = {B2}
            SHA512 (libsigc++-1.2.7.tar.bz2) = {S5}
            SHA512 (pd-0.47~1.src.tar.gz) = {S5X}
            SHA1 (gnome,font-1.0.tar.gz) = {S1}
            """,
            """
            header $NetBSD$
            D suse100/i586/alsa-1.0.9-23.2.i586.rpm size=2475415 SHA1={S1}
            D mysql%2B%2B-3.3.0.tar.gz size=4635623 BLAKE2s={B2}
            D influxdb-2.6.0/bazil.org_fuse_@v_v0.0.0-2016.mod size=- BLAKE2s={B2}
            D libsigc++-1.2.7.tar.bz2 size=- SHA512={S5}
            D pd-0.47~1.src.tar.gz size=- SHA512={S5X}
            D gnome,font-1.0.tar.gz size=- SHA1={S1}
            """),
        c(
            "old SHA1+RMD160 without Size is a distfile of unknown size",
            """
            $NetBSD: distinfo,v 1.1 2013/02/17 17:24:08 spz Exp $

            SHA1 (compat-1.0.tar.bz2) = {S1}
            RMD160 (compat-1.0.tar.bz2) = {R1}
            SHA1 (patch-aa) = {S1X}
            """,
            """
            header $NetBSD: distinfo,v 1.1 2013/02/17 17:24:08 spz Exp $
            D compat-1.0.tar.bz2 size=- SHA1={S1} RMD160={R1}
            P patch-aa SHA1={S1X}
            """),
        c(
            "patch-like names: Size, DIST_SUBDIR and pkgsrc's exclusions make distfiles",
            """
            $NetBSD$

            SHA512 (patch-2.7.6.tar.xz) = {S5}
            Size (patch-2.7.6.tar.xz) = 783756 bytes
            SHA1 (fixes/patch-aa) = {S1}
            SHA1 (patch-local-foo) = {S1}
            SHA1 (patch-ab.orig) = {S1}
            SHA1 (patch-ac.rej) = {S1}
            SHA1 (patch-ad~) = {S1}
            SHA1 (patchaa) = {S1}
            SHA1 (emul-patch-x) = {S1}
            SHA1 (emul-linux-patch-x) = {S1X}
            SHA1 (patch-ae) = {S1X}
            """,
            """
            header $NetBSD$
            D patch-2.7.6.tar.xz size=783756 SHA512={S5}
            D fixes/patch-aa size=- SHA1={S1}
            D patch-local-foo size=- SHA1={S1}
            D patch-ab.orig size=- SHA1={S1}
            D patch-ac.rej size=- SHA1={S1}
            D patch-ad~ size=- SHA1={S1}
            D patchaa size=- SHA1={S1}
            D emul-patch-x size=- SHA1={S1}
            P emul-linux-patch-x SHA1={S1X}
            P patch-ae SHA1={S1X}
            """),
        c(
            "CRLF everywhere",
            ("$NetBSD$\n\nSHA512 (a.tgz) = {S5}\nSize (a.tgz) = 5 bytes\nSHA1 (patch-aa) = {S1}\n")
                .replace("\n", "\r\n"),
            """
            header $NetBSD$
            D a.tgz size=5 SHA512={S5}
            P patch-aa SHA1={S1}
            """),
        c(
            "CRLF on the header only (wip/arphic-ukai-ttf)",
            "$NetBSD: distinfo,v 1.1.1.1 2011/03/09 19:57:15 ryo-on Exp $\r\n\n"
                + "RMD160 (a.tgz) = {R1}\nSize (a.tgz) = 7 bytes\n",
            """
            header $NetBSD: distinfo,v 1.1.1.1 2011/03/09 19:57:15 ryo-on Exp $
            D a.tgz size=7 RMD160={R1}
            """),
        c(
            "no final newline",
            "$NetBSD$\n\nSHA1 (patch-mix.exs) = {S1}\nSHA1 (patch-rel_env.sh.eex) = {S1X}",
            """
            header $NetBSD$
            P patch-mix.exs SHA1={S1}
            P patch-rel_env.sh.eex SHA1={S1X}
            """),
        c(
            "blank lines anywhere, spaces and tabs around lines",
            "\n\n$NetBSD$\n\n\n \t\nSHA512 (a.tgz) = {S5}\n\n\r\n  Size (a.tgz) = 1 bytes\t\n"
                + "\n\nSHA1 (patch-aa) = {S1}\n\n\n\n",
            """
            header $NetBSD$
            D a.tgz size=1 SHA512={S5}
            P patch-aa SHA1={S1}
            """),
        c(
            "comment lines, including a commented-out entry (joyent/ree)",
            """
            $NetBSD$

            # a comment
            SHA1 (ruby.tar.gz) = {S1}
              # indented comment
            Size (ruby.tar.gz) = 7918435 bytes
            #SHA1 (patch-aa) = {S1X}
            """,
            """
            header $NetBSD$
            D ruby.tar.gz size=7918435 SHA1={S1}
            """),
        c(
            "no header: the first line is a hash line (wip/xemacs-hg)",
            """
            SHA1 (patch-Makefile.in.in) = {S1}
            SHA1 (patch-src_dired.c) = {S1X}
            """,
            """
            header -
            P patch-Makefile.in.in SHA1={S1}
            P patch-src_dired.c SHA1={S1X}
            """),
        c(
            "no header, then a distfile whose Size has no unit (wip/gtk2-murrina-fancy-clearlooks)",
            """
            RMD160 (Murrina_v0.5.tar.gz) = {R1}
            Size (Murrina_v0.5.tar.gz) = 4084
            """,
            """
            header -
            D Murrina_v0.5.tar.gz size=4084 RMD160={R1}
            """),
        c("odd header $NetBSD: $", "$NetBSD: $\n\nSHA1 (patch-aa) = {S1}\n", """
            header $NetBSD: $
            P patch-aa SHA1={S1}
            """),
        c("odd header $NetBSD $", "$NetBSD $\n", "header $NetBSD $\n"),
        c("header after blank lines and comments", "\n# c\n$NetBSD$\n", "header $NetBSD$\n"),
        c(
            "Size without bytes, with a double space, with tabs, with leading zeros",
            """
            $NetBSD$

            SHA1 (a.tgz) = {S1}
            Size (a.tgz) = 266310
            SHA1 (b.tgz) = {S1}
            Size (b.tgz) =  1942481 bytes
            SHA1 (c.tgz) = {S1}
            Size\t(c.tgz)\t=\t12\tbytes
            SHA1 (d.tgz) = {S1}
            Size (d.tgz) = 007 bytes
            SHA1 (e.tgz) = {S1}
            Size (e.tgz) = 0 bytes
            """,
            """
            header $NetBSD$
            D a.tgz size=266310 SHA1={S1}
            D b.tgz size=1942481 SHA1={S1}
            D c.tgz size=12 SHA1={S1}
            D d.tgz size=7 SHA1={S1}
            D e.tgz size=0 SHA1={S1}
            """),
        c(
            "Size beyond 4 GiB (wip/dfam) and the largest long",
            """
            SHA512 (dfam-3.5/Dfam.h5.gz) = {S5}
            Size (dfam-3.5/Dfam.h5.gz) = 16391211951 bytes
            SHA512 (max) = {S5}
            Size (max) = 9223372036854775807 bytes
            """,
            """
            header -
            D dfam-3.5/Dfam.h5.gz size=16391211951 SHA512={S5}
            D max size=9223372036854775807 SHA512={S5}
            """),
        c(
            "Size lines without any hash (wip/debian_x11) are problems, not entries",
            """
            $NetBSD: distinfo,v 1.1.1.1 2004/06/11 10:01:54 grantbeattie Exp $

            Size (debian_linux/xlibs_4.3.0.dfsg.1-4_all.deb) = 382360 bytes
            Size (debian_linux/libxi6_4.3.0.dfsg.1-4_i386.deb) = 149170 bytes
            SHA1 (ok.tgz) = {S1}
            """,
            """
            header $NetBSD: distinfo,v 1.1.1.1 2004/06/11 10:01:54 grantbeattie Exp $
            D ok.tgz size=- SHA1={S1}
            ! 3 Size for 'debian_linux/xlibs_4.3.0.dfsg.1-4_all.deb' but no checksum line: \
            pkgsrc cannot verify it either ("No checksum recorded"), so it is not listed as a distfile
            ! 4 Size for 'debian_linux/libxi6_4.3.0.dfsg.1-4_i386.deb' but no checksum line: \
            pkgsrc cannot verify it either ("No checksum recorded"), so it is not listed as a distfile
            """),
        c("empty file (0 bytes)", "", "header -\n"),
        c("only newlines", "\n\n\r\n", "header -\n"),
        c("only a header, no final newline", "$NetBSD$", "header $NetBSD$\n"),
        c(
            "lines of one name in any order: Size first, patch before distfile",
            """
            SHA1 (patch-zz) = {S1}
            Size (z.tgz) = 3 bytes
            SHA512 (z.tgz) = {S5}
            SHA1 (a.tgz) = {S1}
            SHA1 (patch-aa) = {S1X}
            SHA512 (a.tgz) = {S5X}
            """,
            """
            header -
            D z.tgz size=3 SHA512={S5}
            D a.tgz size=- SHA512={S5X} SHA1={S1}
            P patch-zz SHA1={S1}
            P patch-aa SHA1={S1X}
            """),
        c(
            "IGNORE values: kept aside; an entry with only IGNORE is reported",
            """
            SHA1 (ignored.tgz) = IGNORE
            RMD160 (ignored.tgz) = IGNORE
            BLAKE2s (half.tgz) = IGNORE
            SHA512 (half.tgz) = {S5}
            Size (half.tgz) = 9 bytes
            """,
            """
            header -
            D ignored.tgz size=- other:SHA1=IGNORE other:RMD160=IGNORE
            D half.tgz size=9 SHA512={S5} other:BLAKE2s=IGNORE
            ! 1 no digest distvault can verify for 'ignored.tgz' (only SHA1=IGNORE, RMD160=IGNORE)
            """),
        c(
            "unknown algorithms are kept aside; an entry with only those is reported",
            """
            MD5 (old.tgz) = d41d8cd98f00b204e9800998ecf8427e
            SHA384 (both.tgz) = 38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b
            TIGER (both.tgz) = 3293ac630c13f0245f92bbb1766e16167a4e58492dde73f3
            SHA512 (both.tgz) = {S5}
            Size (both.tgz) = 10 bytes
            SHA3_256 (patch-aa) = a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a
            """,
            """
            header -
            D old.tgz size=- other:MD5=d41d8cd98f00b204e9800998ecf8427e
            D both.tgz size=10 SHA512={S5} other:SHA384=38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b other:TIGER=3293ac630c13f0245f92bbb1766e16167a4e58492dde73f3
            P patch-aa other:SHA3_256=a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a
            ! 1 no digest distvault can verify for 'old.tgz' (only MD5)
            ! 6 no digest distvault can verify for 'patch-aa' (only SHA3_256)
            """),
        c(
            "SHA256 is known to distvault",
            "SHA256 (x.tgz) = {B2}\n",
            "header -\nD x.tgz size=- SHA256={B2}\n"),
        c(
            "bad digests: wrong length, non-hex, upper case, misspelt algorithm",
            """
            SHA1 (a.tgz) = 0123456789abcdef0123456789abcdef0123456
            SHA1 (b.tgz) = 0123456789abcdef0123456789abcdef0123456g
            SHA1 (c.tgz) = 0123456789ABCDEF0123456789ABCDEF01234567
            sha512 (d.tgz) = {S5}
            Blake2s (e.tgz) = {B2}
            MD5 (f.tgz) = D41D8CD98F00B204E9800998ECF8427E
            SHA512 (a.tgz) = {S5}
            """,
            """
            header -
            D a.tgz size=- SHA512={S5}
            ! 1 SHA1 digest must be 40 hex digits, got 39
            ! 2 SHA1 digest has a non-hex character 'g' at position 40
            ! 3 SHA1 digest must be lower-case hex (pkgsrc compares the text exactly)
            ! 4 algorithm 'sha512' must be spelled 'SHA512'
            ! 5 algorithm 'Blake2s' must be spelled 'BLAKE2s'
            ! 6 MD5 digest 'D41D8CD98F00B204E9800998ECF8427E' is not lower-case hex
            """),
        c(
            "duplicates: identical ones are silent, conflicting ones are problems (first kept)",
            """
            SHA512 (a.tgz) = {S5}
            SHA512 (a.tgz) = {S5}
            Size (a.tgz) = 5 bytes
            Size (a.tgz) = 5 bytes
            SHA512 (a.tgz) = {S5X}
            Size (a.tgz) = 6 bytes
            SHA1 (patch-aa) = {S1}
            SHA1 (patch-aa) = {S1X}
            MD5 (a.tgz) = 00
            MD5 (a.tgz) = 01
            """,
            """
            header -
            D a.tgz size=5 SHA512={S5} other:MD5=00
            P patch-aa SHA1={S1}
            ! 5 conflicting SHA512 for 'a.tgz': line 1 says {S5}; keeping line 1's
            ! 6 conflicting Size for 'a.tgz': line 3 says 5; keeping line 3's
            ! 8 conflicting SHA1 for 'patch-aa': line 7 says {S1}; keeping line 7's
            ! 10 conflicting MD5 for 'a.tgz': line 9 says 00; keeping line 9's
            """),
        c(
            "invalid names are problems",
            """
            SHA1 (../evil.tgz) = {S1}
            SHA1 (a//b.tgz) = {S1}
            SHA1 (/abs.tgz) = {S1}
            SHA1 (a/./b.tgz) = {S1}
            SHA1 (dir/) = {S1}
            SHA1 () = {S1}
            SHA1 (a\\b.tgz) = {S1}
            SHA1 (my file.tgz) = {S1}
            SHA1 (ok.tgz) = {S1}
            """,
            """
            header -
            D ok.tgz size=- SHA1={S1}
            ! 1 invalid name '../evil.tgz': '..' path segment
            ! 2 invalid name 'a//b.tgz': empty path segment
            ! 3 invalid name '/abs.tgz': absolute path
            ! 4 invalid name 'a/./b.tgz': '.' path segment
            ! 5 invalid name 'dir/': ends with '/'
            ! 6 invalid name '': empty name
            ! 7 invalid name 'a\\b.tgz': contains a backslash
            ! 8 not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            """),
        c(
            "malformed lines are problems and the rest of the file is still read",
            """
            $NetBSD$

            hello
            SHA1 (x.tgz) abc
            SHA1 x.tgz = {S1}
            SHA1 (x.tgz) = {S1} extra
            SHA1 (x.tgz) = {S1} extra more
            SHA-1 (x.tgz) = {S1}
            SHA1 (x.tgz) =
            Size (x.tgz) = 12 kB
            Size (x.tgz) = abc bytes
            Size (x.tgz) = -1 bytes
            Size (x.tgz) = 9223372036854775808 bytes
            Size (x.tgz) = 100000000000000000000 bytes
            SHA1 (x.tgz) = {S1}
            Size (x.tgz) = 4 bytes
            """,
            """
            header $NetBSD$
            D x.tgz size=4 SHA1={S1}
            ! 3 not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            ! 4 not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            ! 5 not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            ! 6 unexpected 'extra' after the digest
            ! 7 not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            ! 8 'SHA-1' is not an algorithm name; not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            ! 9 not a distinfo entry; expected 'ALG (name) = digest' or 'Size (name) = N bytes'
            ! 10 unexpected 'kB' after the Size value (expected 'bytes')
            ! 11 Size value 'abc' is not a number of bytes
            ! 12 Size value '-1' is not a number of bytes
            ! 13 Size value 9223372036854775808 is too large
            ! 14 Size value 100000000000000000000 is too large
            """),
        c(
            "RCS Id lines after the header or after entries are problems",
            """
            SHA1 (patch-aa) = {S1}
            $NetBSD$
            """,
            """
            header -
            P patch-aa SHA1={S1}
            ! 2 RCS Id line after entries (the header must come first); ignored
            """),
        c(
            "a second RCS Id line is a problem",
            "$NetBSD$\n\n$NetBSD: distinfo,v 1.2 2020/01/01 00:00:00 x Exp $\n",
            """
            header $NetBSD$
            ! 3 second RCS Id line (the header is line 1); ignored
            """),
        c(
            "control characters inside a name are problems",
            "SHA1 (a\u0001b) = {S1}\nSHA1 (a\rb) = {S1}\n",
            """
            header -
            ! 1 invalid name 'a\\x01b': contains control character 0x1
            ! 2 invalid name 'a\\x0db': contains control character 0xd
            """),
        c(
            "valid non-ASCII UTF-8 names are kept",
            "SHA1 (caf\u00e9-1.0.tgz) = {S1}\nSize (caf\u00e9-1.0.tgz) = 1 bytes\n",
            "header -\nD caf\u00e9-1.0.tgz size=1 SHA1={S1}\n"));
  }

  private static Arguments c(String name, String input, String expected) {
    return Arguments.of(name, expand(input), expand(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parsesEachOddityExactly(String description, String input, String expected) {
    Distinfo d = DistinfoParser.parse("t/distinfo", input.getBytes(UTF_8));
    assertEquals(expected, render(d), description);
    for (DistinfoProblem p : d.problems()) {
      assertEquals("t/distinfo", p.source());
    }
  }

  @Test
  void invalidUtf8LineIsAProblemAndTheRestIsRead() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(expand("$NetBSD$\n\nSHA1 (a.tgz) = {S1}\n").getBytes(UTF_8));
    b.writeBytes("SHA1 (bad-".getBytes(UTF_8));
    b.write(0xff);
    b.writeBytes(expand(".tgz) = {S1}\nSHA1 (caf\u00e9.tgz) = {S1X}\n").getBytes(UTF_8));
    b.write(0xc3); // truncated two-byte sequence in a name, last line without LF
    Distinfo d = DistinfoParser.parse("t", b.toByteArray());
    assertEquals(
        expand(
            """
            header $NetBSD$
            D a.tgz size=- SHA1={S1}
            D caf\u00e9.tgz size=- SHA1={S1X}
            ! 4 not valid UTF-8 (byte 0xff at byte 11 of the line)
            ! 6 not valid UTF-8 (byte 0xc3 at byte 1 of the line)
            """),
        render(d));
    assertEquals(expand("SHA1 (bad-\ufffd.tgz) = {S1}"), d.problems().get(0).text());
  }

  @Test
  void problemTextIsPrintableAndCut() {
    String longName = "x".repeat(500);
    Distinfo d =
        DistinfoParser.parse("t", ("SHA1 (" + longName + ") = 1\nSHA1 (a\u0000b) = 1\n").getBytes(UTF_8));
    assertEquals(2, d.problems().size());
    DistinfoProblem first = d.problems().get(0);
    assertEquals(("SHA1 (" + longName).substring(0, DistinfoProblem.MAX_TEXT) + "...", first.text());
    assertEquals(1, first.line());
    assertEquals("SHA1 (a\\x00b) = 1", d.problems().get(1).text());
    assertEquals(
        "t:2: invalid name 'a\\x00b': contains NUL: SHA1 (a\\x00b) = 1",
        d.problems().get(1).toString());
  }

  @Test
  void parsePathLabelsWithThePathAndReadsCrlf(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("distinfo");
    Files.write(
        f, expand("$NetBSD$\r\n\r\nSHA512 (a.tgz) = {S5}\r\nSize (a.tgz) = 5\r\nbad\r\n").getBytes(UTF_8));
    Distinfo d = DistinfoParser.parse(f);
    assertEquals(f.toString(), d.source());
    assertEquals(Optional.of("$NetBSD$"), d.header());
    assertEquals(5L, d.distfile("a.tgz").orElseThrow().size().getAsLong());
    assertEquals(1, d.problems().size());
    assertEquals(f.toString(), d.problems().get(0).source());
    assertEquals(5, d.problems().get(0).line());
    assertEquals("bad", d.problems().get(0).text());
  }

  @Test
  void parseOfAMissingFileThrowsIoException(@TempDir Path dir) {
    assertThrows(NoSuchFileException.class, () -> DistinfoParser.parse(dir.resolve("nope")));
  }

  @Test
  void lookupAndNameParts() {
    Distinfo d =
        DistinfoParser.parse(
            "t",
            expand(
                    """
                    SHA512 (suse100/i586/alsa.rpm) = {S5}
                    Size (suse100/i586/alsa.rpm) = 1 bytes
                    SHA512 (plain.tgz) = {S5X}
                    SHA1 (patch-aa) = {S1}
                    """)
                .getBytes(UTF_8));
    DistfileEntry alsa = d.distfile("suse100/i586/alsa.rpm").orElseThrow();
    assertEquals("suse100/i586", alsa.subdir());
    assertEquals("alsa.rpm", alsa.basename());
    assertTrue(alsa.verifiable());
    DistfileEntry plain = d.distfile("plain.tgz").orElseThrow();
    assertEquals("", plain.subdir());
    assertEquals("plain.tgz", plain.basename());
    assertEquals(HEX.get("{S5X}"), plain.digests().get(DigestAlgorithm.SHA512).orElseThrow().hex());
    assertTrue(d.distfile("alsa.rpm").isEmpty(), "lookup is by the full name");
    assertTrue(d.distfile("patch-aa").isEmpty(), "patches are not distfiles");
    assertEquals(HEX.get("{S1}"), d.patch("patch-aa").orElseThrow().sha1().orElseThrow().hex());
    assertFalse(d.hasProblems());
  }

  @ParameterizedTest
  @CsvSource({
    "patch-aa, true",
    "patch-Source_WTF_wtf_RAMSize.cpp, true",
    "patch-2.7.6.tar.xz, true",
    "emul-linux-x86-patch-aa, true",
    "emul--patch-aa, true",
    "emul-patch-aa, false",
    "patch-local-aa, false",
    "patch-aa.orig, false",
    "patch-aa.rej, false",
    "patch-aa~, false",
    "patch, false",
    "Patch-aa, false",
    "mypatch-aa, false",
    "foo-1.0.tar.gz, false",
  })
  void patchFileNamesFollowDistinfoAwk(String name, boolean expected) {
    assertEquals(expected, PatchEntry.isPatchFileName(name), name);
  }

  @Test
  void randomBytesNeverThrow() {
    Random r = new Random(20381);
    byte[] alphabet = expand("SHA1 (patch-a/b) = {S1} Size\n\r\t$#IGNORE 0123 bytes").getBytes(UTF_8);
    for (int i = 0; i < 2000; i++) {
      byte[] content = new byte[r.nextInt(400)];
      for (int j = 0; j < content.length; j++) {
        content[j] = r.nextInt(10) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
      }
      Distinfo d = DistinfoParser.parse("fuzz", content);
      for (DistinfoProblem p : d.problems()) {
        assertTrue(p.line() >= 1 && p.text().length() <= DistinfoProblem.MAX_TEXT + 3, p::toString);
      }
    }
  }

  /** One line per fact: header, distfiles, patches, problems; full hex, "-" for no size. */
  static String render(Distinfo d) {
    StringBuilder b = new StringBuilder();
    b.append("header ").append(d.header().orElse("-")).append('\n');
    for (DistfileEntry e : d.distfiles()) {
      b.append("D ").append(e.name().value());
      b.append(" size=").append(e.size().isPresent() ? Long.toString(e.size().getAsLong()) : "-");
      appendDigests(b, e.digests().toHexMap(), e.otherDigests());
      b.append('\n');
    }
    for (PatchEntry p : d.patches()) {
      b.append("P ").append(p.name());
      appendDigests(b, p.digests().toHexMap(), p.otherDigests());
      b.append('\n');
    }
    for (DistinfoProblem p : d.problems()) {
      b.append("! ").append(p.line()).append(' ').append(p.message()).append('\n');
    }
    return b.toString();
  }

  private static void appendDigests(StringBuilder b, Map<String, String> known, Map<String, String> other) {
    known.forEach(
        (alg, hex) ->
            b.append(' ')
                .append(DigestAlgorithm.byName(alg).orElseThrow().distinfoName())
                .append('=')
                .append(hex));
    other.forEach((alg, value) -> b.append(" other:").append(alg).append('=').append(value));
  }

  private static String expand(String s) {
    for (Map.Entry<String, String> e : HEX.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s;
  }
}

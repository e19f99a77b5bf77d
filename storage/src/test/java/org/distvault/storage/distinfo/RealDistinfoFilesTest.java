package org.distvault.storage.distinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.distvault.storage.TestData;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;

/**
 * Exact results for the real distinfo files that carry each oddity (all from the curated set,
 * see {@code testdata/pkgsrc-distinfo/MANIFEST.tsv}); expected hex is copied from the
 * files themselves.
 */
class RealDistinfoFilesTest {

  private static Distinfo parse(String rel) throws IOException {
    Distinfo d = DistinfoParser.parse(file(rel));
    assertEquals(file(rel).toString(), d.source());
    return d;
  }

  private static Path file(String rel) {
    return TestData.curatedDistinfo().resolve(rel).resolve("distinfo");
  }

  private static byte[] bytes(String rel) throws IOException {
    return Files.readAllBytes(file(rel));
  }

  @Test
  void cmake2017Q4HasOneDistfileAndNinePatches() throws IOException {
    assertEquals(
        """
        header $NetBSD: distinfo,v 1.111 2017/12/14 22:13:34 adam Exp $
        D cmake-3.10.1.tar.gz size=7824043 \
        SHA512=14e9a7f01747b369cad3c4e4e83bc777c0c98ce69209456f60d086d2471302f66dc1c1d22fd04e11dcb64de4bfc7dacd9aca70ee0e5f006abd1df79ef642eeed \
        SHA1=5f4074aa9ee7101d9d24eb0e2de182e2650f6b30 RMD160=736a185c90d7f6d94911bd7ae41e8c734219f579
        P patch-CMakeLists.txt SHA1=a0b03f2fad5ea174095c4fe52cea67d94cf46e2d
        P patch-Modules_FindCurses.cmake SHA1=09fcd7adfbc2dfc2cd8af4e047d870a5243d77dc
        P patch-Modules_FindPythonInterp.cmake SHA1=d1b39bdcd654f2a4fc63463cd20de656cce3cf8f
        P patch-Modules_FindPythonLibs.cmake SHA1=b5cedc6a2354beaf08e06d416c150154a7dc1f05
        P patch-Modules_FindX11.cmake SHA1=124a2d51155cb4455e8b829dc74598cbd50a4e1c
        P patch-Modules_Platform_UnixPaths.cmake SHA1=38720e11b7b62cb702e80da19e044f070298f2db
        P patch-Source_CursesDialog_ccmake.cxx SHA1=d7baafe6612b6ac9b0542ed10ffcf90cd8d1df87
        P patch-Utilities_KWIML_CMakeLists.txt SHA1=e4bdf9fc58757e87bf7e3e3e195839eededbc796
        P patch-bootstrap SHA1=9d99cfe9f9ae826250f94bc297f5a22b8de09e84
        """,
        DistinfoParserTest.render(parse("devel/cmake")));
  }

  @Test
  void modernBlake2sSha512WithPatch() throws IOException {
    assertEquals(
        """
        header $NetBSD$
        D v2.1.0.tar.gz size=360613 \
        SHA512=1a484ca0be279d6d060b0816eee06c0154c6234930fd8d0d20d5708c6bf50d16399d0cead900119bc9cdfdb16ac9eb4a09df7f83f53bb9e01f81ebf6b62575c5 \
        BLAKE2s=7517336dcf6d8742f55a2defa706ab54b7371453a0040954c9afca9bb0db3ece
        P patch-Makefile SHA1=1e31402dc5c66089f7c3e6527cb26caff1731f82
        """,
        DistinfoParserTest.render(parse("wip/boron")));
  }

  @Test
  void sameBareNameWithDifferentContentInTwoPackages() throws IOException {
    DistfileEntry pheanstalk = parse("wip/pheanstalk").distfile("v2.1.0.tar.gz").orElseThrow();
    DistfileEntry boron = parse("wip/boron").distfile("v2.1.0.tar.gz").orElseThrow();
    assertEquals(pheanstalk.name(), boron.name());
    assertEquals(17_635, pheanstalk.size().getAsLong());
    assertEquals(360_613, boron.size().getAsLong());
    assertEquals(
        "ff61823c94b7852ae43a8351285f393e02be5e29700af92cda41887675bf9171e2df17bef61e41ec0480d52500a92694e70ec53cda76e20bfb148e6f96fe9f68",
        pheanstalk.digests().get(DigestAlgorithm.SHA512).orElseThrow().hex());
    assertEquals(
        "5565861b386e68812033f08d8e93be91e216b29c",
        pheanstalk.digests().get(DigestAlgorithm.RMD160).orElseThrow().hex());
    assertNotEquals(
        pheanstalk.digests().get(DigestAlgorithm.SHA512),
        boron.digests().get(DigestAlgorithm.SHA512));
  }

  @Test
  void percentInANameStaysLiteral() throws IOException {
    Distinfo d = parse("wip/mysql++");
    assertEquals(
        """
        header $NetBSD$
        D mysql%2B%2B-3.3.0.tar.gz size=4635623 \
        SHA512=cd50f9edc9531b385d91d70aa292629dc7b839fd296f07db470f37c4748617c5c2dba647adf8965d70e2788e9264288d8ca941a6dcd8d08ff7d838e7947e6465 \
        BLAKE2s=150aadfb8db8036c78cf38eb39eff6334722ea1d9bf899e6b8c16e976e94da10
        """,
        DistinfoParserTest.render(d));
    assertTrue(d.distfile("mysql++-3.3.0.tar.gz").isEmpty());
  }

  @Test
  void multiLevelDistSubdir() throws IOException {
    Distinfo d = parse("emulators/suse100_compat");
    assertEquals(
        List.of(
            "suse100/i586/compat-2004.11.13-4.i586.rpm 1363979",
            "suse100/i586/compat-g77-3.3.5-2.i586.rpm 2018811",
            "suse100/i586/compat-libstdc++-5.0.7-6.i586.rpm 233040",
            "suse100/ppc/compat-2004.11.13-4.ppc.rpm 853476",
            "suse100/ppc/compat-g77-3.3.5-2.ppc.rpm 2557135",
            "suse100/ppc/compat-libstdc++-5.0.7-6.ppc.rpm 267312",
            "suse100/x86_64/compat-2004.11.13-4.x86_64.rpm 120440",
            "suse100/x86_64/compat-g77-3.3.5-2.x86_64.rpm 2423407",
            "suse100/x86_64/compat-libstdc++-5.0.7-6.x86_64.rpm 453853"),
        d.distfiles().stream()
            .map(e -> e.name() + " " + e.size().getAsLong())
            .collect(Collectors.toList()));
    DistfileEntry ppc = d.distfile("suse100/ppc/compat-libstdc++-5.0.7-6.ppc.rpm").orElseThrow();
    assertEquals("suse100/ppc", ppc.subdir());
    assertEquals("compat-libstdc++-5.0.7-6.ppc.rpm", ppc.basename());
    assertEquals(
        "32d0566212edb261d12a396992ea82c08614fe11",
        ppc.digests().get(DigestAlgorithm.SHA1).orElseThrow().hex());
    assertEquals(
        "43d526649a0d14861caf941321abbe1f7c6f39c5",
        ppc.digests().get(DigestAlgorithm.RMD160).orElseThrow().hex());
    assertEquals(
        "a39585d47f71ad684e22f4d09c5d2f14db857017d09ecfd4a4de39eb2956b54b56827db53af4453aea50f92ed5a0dc41aa6d2185d0ca3a5de788808c8f4fb1cd",
        ppc.digests().get(DigestAlgorithm.SHA512).orElseThrow().hex());
    assertTrue(d.patches().isEmpty());
    assertTrue(d.problems().isEmpty());
  }

  @Test
  void crlfHeader() throws IOException {
    String raw = new String(bytes("wip/arphic-ukai-ttf"), StandardCharsets.US_ASCII);
    assertTrue(raw.startsWith("$NetBSD: distinfo,v 1.1.1.1 2011/03/09 19:57:15 ryo-on Exp $\r\n"));
    assertEquals(
        """
        header $NetBSD: distinfo,v 1.1.1.1 2011/03/09 19:57:15 ryo-on Exp $
        D ttf-arphic-ukai-0.2.20080216.1-6-any.pkg.tar.xz size=7924756 \
        SHA512=7972b91ca3b4fcdb65ed271defd52d22534f5dc1b7fe85ced5de785b6a5ec147c0fc8cdb97abe70c13718d649cf38fd74a7ee26f4834e70bd1b2893ac129327e \
        RMD160=23525da050bc00da840937c607832daec2041ec1
        """,
        DistinfoParserTest.render(parse("wip/arphic-ukai-ttf")));
  }

  @Test
  void noFinalNewline() throws IOException {
    byte[] raw = bytes("wip/pleroma");
    assertNotEquals('\n', raw[raw.length - 1]);
    assertEquals(
        """
        header $NetBSD$
        D pleroma-v2.6.3.tar.gz size=28128737 \
        SHA512=b10fdbf3bb17f69c2754adb7201085880380777a4f363a09a8926bb6d2f4ed60888680f6af053befca06aa0b319083e1111c6471df9c918df3ccaab98fadb83d \
        BLAKE2s=61404ab883c7e5e5125e98bb315f456f8875b2f135bd399579256589245b7824
        P patch-mix.exs SHA1=5c3ba889e716d6e2eee842329c2b50adeafba3c3
        P patch-rel_env.sh.eex SHA1=c631221042f4bdf78dac606037d12feabd00f1f0
        """,
        DistinfoParserTest.render(parse("wip/pleroma")));
  }

  @Test
  void noHeader() throws IOException {
    Distinfo xemacs = parse("wip/xemacs-hg");
    assertEquals(Optional.empty(), xemacs.header());
    assertEquals(
        List.of(
            "patch-Makefile.in.in",
            "patch-lib-src_Makefile.in.in",
            "patch-lwlib_Makefile.in.in",
            "patch-modules_common_Makefile.common",
            "patch-src_Makefile.in.in",
            "patch-src_config.h.in",
            "patch-src_dired.c"),
        xemacs.patches().stream().map(PatchEntry::name).collect(Collectors.toList()));
    assertEquals(
        "375308d036f68de2670b6834adfc108fba2eba26",
        xemacs.patch("patch-Makefile.in.in").orElseThrow().sha1().orElseThrow().hex());
    assertTrue(xemacs.distfiles().isEmpty());
    assertEquals(
        """
        header -
        D MurrinaFancyClearlooks_v0.5.tar.gz size=4084 RMD160=0cc88692d0b5d24e8fadeec63fd815df48009e12
        """,
        DistinfoParserTest.render(parse("wip/gtk2-murrina-fancy-clearlooks")));
  }

  @Test
  void commentedOutPatchIsNotAnEntry() throws IOException {
    String raw = new String(bytes("joyent/ree"), StandardCharsets.US_ASCII);
    assertTrue(raw.contains("\n#SHA1 (patch-aa) = ad0c45f1dbee357298c85fee863b289a3629a0e2\n"));
    assertEquals(
        """
        header $NetBSD$
        D ruby-enterprise-1.8.7-2012.02.tar.gz size=7918435 \
        SHA1=78fcc19debf43b109600d14414e64863ad78010b RMD160=e02215668aa3920c9d44e28304cdb3a115f22d00
        """,
        DistinfoParserTest.render(parse("joyent/ree")));
  }

  @Test
  void sizeWithoutBytes() throws IOException {
    Distinfo d = parse("devel/libbegemot");
    assertEquals(266_310, d.distfile("libbegemot-1.11.tar.gz").orElseThrow().size().getAsLong());
    assertEquals(List.of("patch-aa"), d.patches().stream().map(PatchEntry::name).toList());
    assertTrue(d.problems().isEmpty());
  }

  @Test
  void sizeWithDoubleSpaceAndOldSha1Rmd160() throws IOException {
    Distinfo d = parse("emulators/compat50-x11");
    assertEquals(
        """
        header $NetBSD: distinfo,v 1.1 2013/02/17 17:24:08 spz Exp $
        D compat50-x11-i386-5.0.tar.bz2 size=1942481 \
        SHA1=db50b2fb96f3b5ccbf4cc8cb2709ebe75c245220 RMD160=fe42d8d063becf62e4902be4707ee17c4de63046
        D compat50-x11-sparc64-5.0.tar.bz2 size=1984347 \
        SHA1=0f7cc668b3ec21966dd5b7d7735b2fc836198a05 RMD160=2696321173cf40eace53d1ab965ceb5abda1346a
        D compat50-x11-x86_64-5.0.tar.bz2 size=2213331 \
        SHA1=00ae3a6b0e9698f2d8453e93b39a06f49c81fa84 RMD160=b89ae6c23e8c17bbb3c665d65f10ff9c1d40b181
        """,
        DistinfoParserTest.render(d));
  }

  @Test
  void sizeLinesWithoutHashAreProblemsNamingEachLine() throws IOException {
    Distinfo d = parse("wip/debian_x11");
    assertTrue(d.distfiles().isEmpty());
    assertTrue(d.patches().isEmpty());
    assertEquals(13, d.problems().size());
    for (int i = 0; i < 13; i++) {
      DistinfoProblem p = d.problems().get(i);
      assertEquals(file("wip/debian_x11").toString(), p.source());
      assertEquals(3 + i, p.line());
    }
    DistinfoProblem first = d.problems().get(0);
    assertEquals("Size (debian_linux/xlibs_4.3.0.dfsg.1-4_all.deb) = 382360 bytes", first.text());
    assertEquals(
        "Size for 'debian_linux/xlibs_4.3.0.dfsg.1-4_all.deb' but no checksum line: pkgsrc"
            + " cannot verify it either (\"No checksum recorded\"), so it is not listed as a"
            + " distfile",
        first.message());
  }

  @Test
  void emptyFile() throws IOException {
    assertEquals(0, bytes("wip/mg-cvs").length);
    Distinfo d = parse("wip/mg-cvs");
    assertEquals("header -\n", DistinfoParserTest.render(d));
  }

  @Test
  void sizeBeyondFourGigabytes() throws IOException {
    DistfileEntry dfam = parse("wip/dfam").distfile("dfam-3.5/Dfam.h5.gz").orElseThrow();
    assertEquals(16_391_211_951L, dfam.size().getAsLong());
    assertEquals("dfam-3.5", dfam.subdir());
    assertEquals(
        "a61d4719bc0f7fab6511bc4f8e92a60dc54960b1d4fd80289baa07f22af5bb8d",
        dfam.digests().get(DigestAlgorithm.BLAKE2S).orElseThrow().hex());
  }

  @Test
  void goModuleListWithThousandsOfEntries() throws IOException {
    Distinfo d = parse("wip/grafana");
    assertEquals(5_471, d.distfiles().size());
    DistfileEntry first = d.distfiles().get(0);
    assertEquals(
        "buf.build_gen_go_bufbuild_protovalidate_protocolbuffers_go_@v_v1.31.0-20230802163732-1c33ebd9ecfa.1.mod",
        first.name().value());
    assertEquals(110, first.size().getAsLong());
    assertEquals(
        "c668a13557a449979827a2377fc184d1b6fbd53972ed384b812bb8d5b8e0a6b7",
        first.digests().get(DigestAlgorithm.BLAKE2S).orElseThrow().hex());
    for (DistfileEntry e : d.distfiles()) {
      assertEquals(
          List.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S),
          List.copyOf(e.digests().algorithms()),
          e.name()::value);
      assertTrue(e.size().isPresent(), e.name()::value);
    }
  }
}

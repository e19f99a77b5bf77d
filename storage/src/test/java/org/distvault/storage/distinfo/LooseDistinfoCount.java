package org.distvault.storage.distinfo;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately different, simple count of the entries of a distinfo file, to check the
 * parser against.
 *
 * <p>It shares no code with the parser: it decodes bytes as ISO-8859-1, splits lines with
 * {@code \R}, matches one loose regular expression per line, and classifies each name with
 * pkgsrc's own {@code is_patch} regular expressions copied from {@code mk/checksum/distinfo.awk}.
 * It does not validate digests or names, so it agrees with the parser only on files whose lines
 * are all well formed, which is what the real-file tests expect.
 *
 * @param distfiles names with a checksum line that are not patches
 * @param patches names with a checksum line, no Size, no '/', and a patch name
 * @param sizeOnly names with a Size line but no checksum line
 */
record LooseDistinfoCount(int distfiles, int patches, int sizeOnly) {
  private static final Pattern LINE =
      Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s+\\((\\S+)\\)\\s+=\\s+\\S+.*$");
  private static final Pattern NOT_PATCH = Pattern.compile("^patch-local-|[.]orig$|[.]rej$|~$");
  private static final Pattern PATCH = Pattern.compile("^patch-|^emul-.*-patch-");

  static LooseDistinfoCount of(byte[] content) {
    Map<String, boolean[]> seen = new HashMap<>(); // name -> {has checksum, has Size}
    for (String line : new String(content, StandardCharsets.ISO_8859_1).split("\\R")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        boolean[] flags = seen.computeIfAbsent(m.group(2), k -> new boolean[2]);
        flags[m.group(1).equals("Size") ? 1 : 0] = true;
      }
    }
    int distfiles = 0;
    int patches = 0;
    int sizeOnly = 0;
    for (Map.Entry<String, boolean[]> e : seen.entrySet()) {
      String name = e.getKey();
      boolean hasChecksum = e.getValue()[0];
      boolean hasSize = e.getValue()[1];
      if (!hasChecksum) {
        sizeOnly++;
      } else if (!hasSize
          && !name.contains("/")
          && !NOT_PATCH.matcher(name).find()
          && PATCH.matcher(name).find()) {
        patches++;
      } else {
        distfiles++;
      }
    }
    return new LooseDistinfoCount(distfiles, patches, sizeOnly);
  }
}

package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The help text as printed: the command list gives each subcommand's first sentence, whole, on
 * one line; each subcommand's description is written as whole paragraphs, which picocli wraps
 * at words within the usage width.
 */
class UsageHelpTest {
  private static final Pattern LIST_LINE = Pattern.compile(" {2}(\\S+) +(\\S.*)");

  /** Our subcommands; picocli's own {@code help} is only checked in the list. */
  static Stream<String> subcommands() {
    return Main.commandLine(Map.of()).getSubcommands().keySet().stream().filter(n -> !n.equals("help"));
  }

  /** The first sentence: up to the first full stop followed by a space, or all of it. */
  private static String firstSentence(String text) {
    int end = text.indexOf(". ");
    return end < 0 ? text : text.substring(0, end + 1);
  }

  @Test
  void commandListGivesEachSubcommandsFirstSentenceOnOneLine() {
    CommandLine main = Main.commandLine(Map.of());
    CliRun r = CliRun.of("--help");
    List<String> out = r.out().lines().toList();
    int start = out.indexOf("Commands:") + 1;
    assertTrue(start > 0, r.toString());
    List<String> list = out.subList(start, out.indexOf(""));
    assertEquals(main.getSubcommands().size(), list.size(), "one line per subcommand, none wrapped: " + r);
    for (String line : list) {
      assertTrue(line.length() <= main.getUsageHelpWidth(), "longer than the width: " + line);
      Matcher m = LIST_LINE.matcher(line);
      assertTrue(m.matches(), "not 'name summary': " + line);
      UsageMessageSpec usage = main.getSubcommands().get(m.group(1)).getCommandSpec().usageMessage();
      // picocli lists the header when there is one (its help command has), else the description.
      String[] source = usage.header().length > 0 ? usage.header() : usage.description();
      assertEquals(firstSentence(String.join(" ", source)), m.group(2), "summary of " + m.group(1));
      assertTrue(m.group(2).endsWith("."), "summary cut: " + line);
    }
  }

  @ParameterizedTest
  @MethodSource("subcommands")
  void descriptionIsWholeParagraphsWrappedAtWordsWithinTheWidth(String name) {
    CommandLine sub = Main.commandLine(Map.of()).getSubcommands().get(name);
    String[] paragraphs = sub.getCommandSpec().usageMessage().description();
    assertTrue(paragraphs.length > 0, name + " has no description");
    for (String p : paragraphs) {
      // A paragraph broken by hand leaves a short line wherever picocli wraps the piece before it.
      assertTrue(p.endsWith("."), name + ": a description element must be a whole paragraph: " + p);
    }
    List<String> lines = sub.getHelp().description().lines().toList();
    for (String line : lines) {
      assertTrue(line.length() <= sub.getUsageHelpWidth(), name + ": longer than " + sub.getUsageHelpWidth() + ": "
          + line);
    }
    // Wrapping replaced spaces by line breaks and nothing else: no word was cut.
    assertEquals(words(String.join(" ", paragraphs)), words(String.join(" ", lines)), name);
    CliRun r = CliRun.of(name, "--help");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains(String.join("\n", lines)), name + ": --help lacks its description: " + r);
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("\\s+"));
  }
}

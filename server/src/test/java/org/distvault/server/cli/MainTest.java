package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Usage, help and bad input of the command line, without a server. */
class MainTest {
  @Test
  void helpListsTheSubcommandsAndExitsZero() {
    CliRun r = CliRun.of("--help");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Usage: distvault "), r.toString());
    for (String sub : new String[] {"serve", "mode", "prefetch", "manifest", "violations", "scrub"}) {
      assertTrue(r.out().contains("\n  " + sub + " "), sub + " missing: " + r);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "mode", "prefetch", "manifest", "violations", "scrub"})
  void everySubcommandHasHelp(String sub) {
    CliRun r = CliRun.of(sub, "--help");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Usage: distvault " + sub + " "), r.toString());
  }

  @Test
  void noSubcommandIsBadUsage() {
    CliRun r = CliRun.of();
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().startsWith("missing subcommand"), r.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "serve --bogus|Unknown option: '--bogus'",
      "serve --listen nonsense|Invalid value for option '--listen': 'nonsense' is not HOST:PORT (e.g. 127.0.0.1:8080)",
      "serve --listen 127.0.0.1:99999|Invalid value for option '--listen': '127.0.0.1:99999': port must be 0-65535",
      "serve --listen ::1:80|Invalid value for option '--listen': '::1:80': write an IPv6 address in brackets",
      "serve --mode sealed|Invalid value for option '--mode': 'sealed' is not a mode: use online or offline",
      "mode --token-file x|Missing required option: '--server=URL'",
      "mode sideways --server http://127.0.0.1:1 --token-file x|'sideways' is not a mode: use online or offline",
      "violations --server http://127.0.0.1:1|Missing required option: '--token-file=FILE'",
      "frobnicate|Unmatched argument at index 0: 'frobnicate'"})
  void badUsageExitsTwoNamingWhatWasWrong(String args, String message) {
    CliRun r = CliRun.of(args.split(" "));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
  }

  @Test
  void aNamedSubcommandIsTheOnlyOneBuiltAnythingElseGetsThemAll() {
    assertEquals(Set.of("mode"), Main.commandLine(Map.of(), "mode").getSubcommands().keySet());
    assertEquals(Set.of("serve"), Main.commandLine(Map.of(), "serve").getSubcommands().keySet());
    List<String> all = List.of("serve", "mode", "sets", "seal", "unseal", "prefetch", "refill", "export", "import",
        "manifest", "violations", "scrub", "gc", "backup", "help");
    for (String first : new String[] {null, "--help", "help", "-V", "prefetc", "--server"}) {
      assertEquals(all, List.copyOf(Main.commandLine(Map.of(), first).getSubcommands().keySet()), first);
    }
    // help NAME and a near miss still know every subcommand.
    CliRun help = CliRun.of("help", "prefetch");
    assertEquals(0, help.code(), help.toString());
    assertTrue(help.out().startsWith("Usage: distvault prefetch "), help.toString());
    CliRun typo = CliRun.of("prefetc");
    assertEquals(2, typo.code(), typo.toString());
    assertTrue(typo.err().contains("Did you mean: distvault prefetch"), typo.toString());
  }

  @Test
  void listenAcceptsBracketedIpv6AndPortZero() {
    ListenAddress.Converter c = new ListenAddress.Converter();
    assertEquals(new ListenAddress("::1", 8080), c.convert("[::1]:8080"));
    assertEquals(new ListenAddress("0.0.0.0", 0), c.convert("0.0.0.0:0"));
    assertEquals(new ListenAddress("cache.example.org", 80), c.convert("cache.example.org:80"));
  }
}

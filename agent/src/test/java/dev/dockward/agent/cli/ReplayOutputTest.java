package dev.dockward.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.ship.format.RecordFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --tail N}, {@code --output-format} and the progress lines, on a real journal. */
class ReplayOutputTest {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final String DESCRIPTION = "The Docker API socket is mounted into a container.";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> events = new ArrayList<>();
  private final List<String> alerts = new ArrayList<>();
  private Path journal;

  @BeforeEach
  void journal() {
    journal = dir.resolve("journal");
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journal, "hourly")) {
      for (int i = 1; i <= 7; i++) {
        String event =
            String.format(
                "{\"schema\":1,\"kind\":\"event\",\"id\":\"0123456789ab-%016x\","
                    + "\"time\":\"2026-11-23T02:00:%02d.000Z\",\"host\":{\"name\":\"h\",\"id\":\"0123456789abcdef\"},"
                    + "\"type\":\"%s\",\"source\":\"test\",\"process\":{\"pid\":%d,\"name\":\"sh\"}}",
                2 * i - 1, 2 * i, i % 2 == 0 ? "exit" : "exec", 100 + i);
        j.append(event);
        events.add(event);
        String alert =
            String.format(
                "{\"schema\":1,\"kind\":\"alert\",\"id\":\"0123456789ab-%016x\","
                    + "\"time\":\"2026-11-23T02:00:%02d.000Z\",\"host\":{\"name\":\"h\",\"id\":\"0123456789abcdef\"},"
                    + "\"rule\":\"docker_socket_mounted\",\"rule_title\":\"Docker socket mounted\","
                    + "\"rule_description\":\"%s\",\"severity\":\"critical\",\"tags\":[\"mitre.T1611\",\"container\"],"
                    + "\"summary\":\"socket %d\",\"container\":{\"id\":\"%s\",\"name\":\"web\",\"image\":\"nginx:1.25\"},"
                    + "\"evidence\":{\"sockets\":[\"/var/run/docker.sock\"]},\"event_id\":\"0123456789ab-%016x\"}",
                2 * i, 2 * i, DESCRIPTION, i, "c".repeat(64), 2 * i - 1);
        j.append(alert);
        alerts.add(alert);
      }
    }
  }

  private int replay(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> command = new ArrayList<>(List.of("replay", "--journal", journal.toString()));
    command.addAll(List.of(args));
    return DockwardCli.commandLine(dir.resolve("etc"))
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(command.toArray(String[]::new));
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  @Test
  void tailPrintsTheLastMatchingRecordsInJournalOrder() {
    assertEquals(0, replay("--tail", "3"), err.toString());
    assertEquals(List.of(alerts.get(5), events.get(6), alerts.get(6)), lines());

    assertEquals(0, replay("--tail", "2", "--kind", "events", "--type", "exec"), err.toString());
    assertEquals(
        List.of(events.get(4), events.get(6)),
        lines(),
        "the last two execs, not the last two records");

    assertEquals(0, replay("--tail", "100", "--kind", "alerts"), err.toString());
    assertEquals(alerts, lines(), "fewer matches than N: all of them");

    assertEquals(0, replay("--tail", "0"), err.toString());
    assertEquals(List.of(), lines());
  }

  @Test
  void tailWorksWithTheTextFormatAndRerunRulesAndRefusesANegativeCount() {
    assertEquals(0, replay("--tail", "1", "--format", "text", "--kind", "alerts"), err.toString());
    assertEquals(1, lines().size(), out.toString());
    assertTrue(lines().get(0).contains("socket 7"), out.toString());

    assertEquals(2, replay("--tail", "-1"));
    assertTrue(err.toString().contains("--tail takes N >= 0"), err.toString());
    assertEquals(2, replay("--tail", "1", "--verify"));
  }

  @Test
  void outputFormatMapsAlertsAsTheSinksDoAndLeavesEventsNative() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (RecordFormat format : List.of(RecordFormat.OCSF, RecordFormat.ECS)) {
      String name = format.name().toLowerCase(Locale.ROOT);
      assertEquals(
          0, replay("--output-format", name, "--kind", "alerts", "--tail", "1"), err.toString());
      Map<String, Object> native7 = json.readValue(alerts.get(6), MAP);
      Map<String, Object> expected = format.apply(native7, id -> Optional.of(DESCRIPTION));
      assertEquals(List.of(json.writeValueAsString(expected)), lines(), name);
      assertTrue(
          out.toString().contains(DESCRIPTION), name + " carries the rule's description: " + out);

      assertEquals(
          0, replay("--output-format", name, "--kind", "events", "--tail", "1"), err.toString());
      assertEquals(List.of(events.get(6)), lines(), name + ": events stay native");
    }
    assertEquals(0, replay("--output-format", "ocsf", "--kind", "alerts", "--tail", "1"));
    assertTrue(out.toString().contains("\"class_uid\":2004"), out.toString());
  }

  @Test
  void outputFormatNeedsJsonLines() {
    assertEquals(2, replay("--output-format", "ecs", "--format", "text"));
    assertTrue(err.toString().contains("--output-format ecs needs --format jsonl"), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void progressWritesASummaryOnStderrAndNothingElseOnStdout() {
    assertEquals(0, replay("--progress", "--kind", "alerts", "--tail", "2"), err.toString());
    assertEquals(List.of(alerts.get(5), alerts.get(6)), lines(), "stdout holds the records alone");
    assertTrue(
        err.toString().matches("dockward: scanned 14 records, 7 matched in \\d+\\.\\ds\\R"),
        err.toString());

    // Not a terminal here (a test's stderr), so nothing by default, and --no-progress says the
    // same.
    assertEquals(0, replay("--kind", "alerts"));
    assertEquals("", err.toString());
    assertEquals(0, replay("--no-progress", "--kind", "alerts"));
    assertEquals("", err.toString());
  }
}

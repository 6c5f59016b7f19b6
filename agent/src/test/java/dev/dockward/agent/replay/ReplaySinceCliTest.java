package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.event.Timestamps;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dockward replay --since AGE} as a responder types it, on journals whose cycle of {@code
 * now - AGE} has no file: a journal younger than the window, and one with a gap where the agent was
 * stopped. The replay used to exit 1 with Chronicle's "'file not found' for the lowerCycle".
 */
class ReplaySinceCliTest {
  @TempDir Path dir;

  private final List<String> written = new ArrayList<>();
  private final List<Instant> times = new ArrayList<>();

  private void write(String rollCycle, List<Instant> at) {
    SetTimeProvider clock = new SetTimeProvider(at.get(0));
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, rollCycle, clock)) {
      for (Instant t : at) {
        clock.currentTimeMillis(t.toEpochMilli());
        String json =
            String.format(
                "{\"schema\":1,\"kind\":\"event\",\"id\":\"0123456789ab-%016x\",\"time\":\"%s\","
                    + "\"type\":\"exec\",\"source\":\"test\"}",
                written.size() + 1, Timestamps.format(t));
        j.append(json);
        written.add(json);
        times.add(t);
      }
    }
  }

  /**
   * Three records in the current cycle, none older than 20 minutes, so every age below selects them
   * all.
   */
  private static List<Instant> young(Instant now, ChronoUnit cycle) {
    Instant start =
        now.truncatedTo(cycle).isAfter(now.minus(Duration.ofMinutes(20)))
            ? now.truncatedTo(cycle)
            : now.minus(Duration.ofMinutes(20));
    return List.of(start, start.plus(Duration.between(start, now).dividedBy(2)), now);
  }

  private List<String> replay(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> command = new ArrayList<>(List.of("replay", "--journal", dir.toString()));
    command.addAll(List.of(args));
    int code =
        DockwardCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(command.toArray(String[]::new));
    assertEquals(0, code, String.join(" ", args) + ": " + err);
    assertEquals("", err.toString(), String.join(" ", args));
    return out.toString().lines().toList();
  }

  private List<String> writtenFrom(Instant since) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      if (!times.get(i).isBefore(since)) {
        out.add(written.get(i));
      }
    }
    return out;
  }

  @Test
  void anHourlyJournalYoungerThanTheWindow() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    write("hourly", young(now, ChronoUnit.HOURS));
    for (String age : List.of("30m", "1h", "2h", "7d")) {
      assertEquals(written, replay("--since", age), "--since " + age);
    }
    Instant hourBefore = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(30));
    assertEquals(written, replay("--since", hourBefore.toString()));
    assertEquals(List.of(), replay("--since", now.plus(Duration.ofHours(2)).toString()));
  }

  @Test
  void anHourlyJournalWithAGapWhereTheAgentWasStopped() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant old = now.minus(Duration.ofHours(5));
    List<Instant> at = new ArrayList<>(List.of(old, old.plusSeconds(1)));
    at.addAll(young(now, ChronoUnit.HOURS));
    write("hourly", at);
    List<String> recent = written.subList(2, 5);
    for (String age : List.of("1h", "2h", "4h")) {
      assertEquals(recent, replay("--since", age), "--since " + age);
    }
    assertEquals(written, replay("--since", "6h"));
    Instant inTheGap = now.minus(Duration.ofHours(3));
    assertEquals(writtenFrom(inTheGap), replay("--since", inTheGap.toString()));
    assertEquals(written.subList(0, 2), replay("--since", "6h", "--until", "3h"));
  }

  @Test
  void aDailyJournalYoungerThanTheWindowAndWithAGap() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Instant> at = new ArrayList<>(List.of(now.minus(Duration.ofDays(5))));
    at.addAll(young(now, ChronoUnit.DAYS));
    write("daily", at);
    List<String> recent = written.subList(1, 4);
    for (String age : List.of("1h", "2d", "4d")) {
      assertEquals(recent, replay("--since", age), "--since " + age);
    }
    assertEquals(written, replay("--since", "6d"));
  }
}

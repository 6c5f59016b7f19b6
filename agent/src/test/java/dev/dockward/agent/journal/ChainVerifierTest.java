package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.cli.DockwardCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainVerifierTest {
  @TempDir Path dir;

  private List<Long> write(int from, int to) {
    List<Long> indexes = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      for (int i = from; i < to; i++) {
        indexes.add(
            j.append(
                "{\"id\":\"h-"
                    + i
                    + "\",\"user\":\"user"
                    + i
                    + "\",\"name\":\"caf\u00e9-"
                    + i
                    + "\"}"));
      }
    }
    return indexes;
  }

  private ChainVerifier.Result verify() {
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      return new ChainVerifier().verify(j);
    }
  }

  @Test
  void anUntouchedJournalIsIntactAcrossRestarts() {
    write(0, 5);
    write(5, 9); // a restart: the chain goes on from the newest entry's hash
    ChainVerifier.Result r = verify();
    assertEquals(9, r.entries());
    assertTrue(r.intact(), r.breaks().toString());
    assertTrue(r.anchored());
    assertEquals(0, r.unchained());
  }

  @Test
  void recordsReadBackExactlyWithTheHashBesideThem() {
    write(0, 2);
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      assertEquals(
          "{\"id\":\"h-0\",\"user\":\"user0\",\"name\":\"caf\u00e9-0\"}",
          c.next().orElseThrow().json());
      JournalEntry second = c.nextEntry().orElseThrow();
      assertEquals(32, second.hash().orElseThrow().length);
      assertTrue(c.next().isEmpty());
    }
  }

  @Test
  void anEditedQueueFileIsReportedAtTheEditedRecord() throws IOException {
    List<Long> indexes = write(0, 6);
    // Same length, so Chronicle still reads the entry: only the chain can tell.
    replaceInQueueFiles("\"user\":\"user3\"", "\"user\":\"root3\"");
    ChainVerifier.Result r = verify();
    assertEquals(6, r.entries());
    assertEquals(1, r.breaks().size(), r.breaks().toString());
    ChainVerifier.Break b = r.breaks().get(0);
    assertEquals(indexes.get(3), b.index());
    assertFalse(b.expected().equals(b.found()));
    assertEquals(64, b.expected().length());
  }

  @Test
  void replayVerifyPrintsEveryBreakAndFailsOnlyWhenBroken() throws IOException {
    List<Long> indexes = write(0, 8);
    StringWriter out = new StringWriter();
    assertEquals(0, cli(out, "replay", "--verify", "--journal", dir.toString()));
    assertTrue(out.toString().contains("8 entries checked, chain intact"), out.toString());

    replaceInQueueFiles("\"user\":\"user2\"", "\"user\":\"evil2\"");
    replaceInQueueFiles("\"user\":\"user6\"", "\"user\":\"evil6\"");
    out = new StringWriter();
    assertEquals(1, cli(out, "replay", "--verify", "--journal", dir.toString()));
    String text = out.toString();
    assertTrue(text.contains("break at index " + indexes.get(2) + ": expected "), text);
    assertTrue(text.contains("break at index " + indexes.get(6) + ": expected "), text);
    assertTrue(text.contains("8 entries checked, 2 breaks"), text);
  }

  @Test
  void entriesOfAJournalWrittenBeforeTheChainAreReadAndCountedAsUnchained() {
    try (ChronicleQueue q =
            ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_HOURLY).build();
        ExcerptAppender a = q.createAppender()) {
      a.writeText("{\"id\":\"old-1\"}");
      a.writeText("{\"id\":\"old-2\"}");
    }
    write(0, 2);
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      assertEquals("{\"id\":\"old-1\"}", c.next().orElseThrow().json());
    }
    ChainVerifier.Result r = verify();
    assertEquals(4, r.entries());
    assertEquals(2, r.unchained());
    assertTrue(r.intact(), r.breaks().toString());
  }

  private static int cli(StringWriter out, String... args) {
    return DockwardCli.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(new StringWriter()))
        .execute(args);
  }

  private void replaceInQueueFiles(String from, String to) throws IOException {
    byte[] a = from.getBytes(StandardCharsets.UTF_8);
    byte[] b = to.getBytes(StandardCharsets.UTF_8);
    int replaced = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
        byte[] data = Files.readAllBytes(f);
        for (int i = 0; i + a.length <= data.length; i++) {
          if (java.util.Arrays.equals(data, i, i + a.length, a, 0, a.length)) {
            System.arraycopy(b, 0, data, i, b.length);
            replaced++;
          }
        }
        Files.write(f, data);
      }
    }
    assertEquals(1, replaced, "the test edits exactly one record");
  }
}

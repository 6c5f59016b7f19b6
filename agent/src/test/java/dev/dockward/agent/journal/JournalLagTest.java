package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many records a sink is behind, counted over cycles, on a real journal. */
class JournalLagTest {
  @TempDir Path dir;

  @Test
  void recordsAfterACommittedIndexAreCountedAcrossCycles() {
    CycledJournal written = new CycledJournal(dir.resolve("journal"), "hourly");
    Instant hour1 = Instant.parse("2026-12-07T10:00:00Z");
    for (int i = 0; i < 7; i++) {
      written.append(hour1.plusSeconds(i), Duration.ZERO);
    }
    for (int i = 0; i < 5; i++) {
      written.append(hour1.plusSeconds(3600 + i), Duration.ZERO);
    }
    written.stop();
    try (ChronicleJournal journal = ChronicleJournal.openForReading(written.dir());
        JournalCursor all = journal.fromStart()) {
      long[] index = new long[12];
      for (int i = 0; i < 12; i++) {
        index[i] = all.next().orElseThrow().index();
      }
      assertEquals(
          OptionalLong.of(12),
          journal.recordsAfter(OptionalLong.empty()),
          "nothing committed: all");
      assertEquals(OptionalLong.of(11), journal.recordsAfter(OptionalLong.of(index[0])));
      assertEquals(
          OptionalLong.of(5),
          journal.recordsAfter(OptionalLong.of(index[6])),
          "the second hour's five");
      assertEquals(OptionalLong.of(2), journal.recordsAfter(OptionalLong.of(index[9])));
      assertEquals(
          OptionalLong.of(0), journal.recordsAfter(OptionalLong.of(index[11])), "caught up");
    }
  }
}

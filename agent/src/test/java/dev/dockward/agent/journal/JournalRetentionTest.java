package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention over a journal written across ten hourly roll cycles by a set clock. */
class JournalRetentionTest {
  private static final Instant T0 = Instant.parse("2026-11-20T00:10:00Z");
  private static final int HOURS = 10;
  private static final int PER_HOUR = 50;

  @TempDir Path dir;

  private final SetTimeProvider time = new SetTimeProvider(T0.toEpochMilli() * 1_000_000L);

  /** indexes.get(h) are the indexes appended in hour h. */
  private final List<List<Long>> indexes = new ArrayList<>();

  private ChronicleJournal journal;
  private final AtomicLong overflowNow = new AtomicLong();
  private final AtomicLong overflowTotal = new AtomicLong();

  @BeforeEach
  void writeTenHours() {
    journal = ChronicleJournal.openForWriting(dir, "hourly", time);
    for (int h = 0; h < HOURS; h++) {
      time.currentTimeMillis(T0.plus(Duration.ofHours(h)).toEpochMilli());
      List<Long> hour = new ArrayList<>();
      for (int i = 0; i < PER_HOUR; i++) {
        hour.add(
            journal.append(
                "{\"id\":\"h-" + h + "-" + i + "\",\"pad\":\"" + "x".repeat(200) + "\"}"));
      }
      indexes.add(hour);
    }
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    journal.close();
  }

  private JournalRetention retention(Duration maxAge, long maxBytes, OptionalLong shipped) {
    Clock clock = Clock.fixed(T0.plus(Duration.ofHours(HOURS - 1)), ZoneOffset.UTC);
    return new JournalRetention(
        journal,
        new JournalRetention.Policy(maxAge, maxBytes),
        clock,
        () -> shipped,
        (n, total) -> {
          overflowNow.addAndGet(n);
          overflowTotal.set(total);
        });
  }

  private long cycleFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".cq4")).count();
    }
  }

  private String firstId() {
    try (JournalCursor c = journal.fromStart()) {
      return c.next()
          .map(JournalRecord::json)
          .map(j -> j.substring(7, j.indexOf('"', 7)))
          .orElse("none");
    }
  }

  @Test
  void shippedCyclesOlderThanMaxAgeAreDeletedAndTheRestStillReadsAndVerifies() throws Exception {
    assertEquals(HOURS, cycleFiles());
    // Now is in hour 9; cycles that ended more than 3 h ago are hours 0..5 (hour 5 ends at 06:00).
    JournalRetention r =
        retention(Duration.ofHours(3), Long.MAX_VALUE, OptionalLong.of(indexes.get(9).get(10)));
    assertEquals(6, r.runOnce());
    assertEquals(HOURS - 6, cycleFiles());
    assertEquals("h-6-0", firstId());
    assertEquals(0, r.overflowRecords());
    ChainVerifier.Result v = new ChainVerifier().verify(journal);
    assertTrue(v.intact(), v.breaks().toString());
    assertTrue(v.trimmed(), "retention deleted older entries");
    assertTrue(v.anchored(), "the oldest kept entry continues from retention's anchor");
    assertEquals(4 * PER_HOUR, v.entries());
    assertEquals(0, r.runOnce(), "nothing more is due");
  }

  @Test
  void aCycleDeletedBehindRetentionsBackIsABreak() throws Exception {
    retention(Duration.ofHours(3), Long.MAX_VALUE, OptionalLong.of(indexes.get(9).get(10)))
        .runOnce();
    // Someone removes the oldest cycle retention kept (hour 6), outside the agent.
    try (Stream<Path> s = Files.list(dir)) {
      Files.delete(
          s.filter(p -> p.getFileName().toString().equals("20261120-06F.cq4"))
              .findFirst()
              .orElseThrow());
    }
    journal.cyclesDeleted();
    ChainVerifier.Result v = new ChainVerifier().verify(journal);
    assertEquals(3 * PER_HOUR, v.entries());
    assertEquals(1, v.breaks().size(), v.breaks().toString());
    assertEquals(indexes.get(7).get(0), v.breaks().get(0).index());
    assertTrue(v.breaks().get(0).reason().contains("removed"), v.breaks().get(0).reason());
  }

  @Test
  void expiredCyclesThatASinkHasNotShippedAreKept() throws Exception {
    // Some sink committed only up to the middle of hour 2.
    JournalRetention r =
        retention(Duration.ofHours(3), Long.MAX_VALUE, OptionalLong.of(indexes.get(2).get(25)));
    assertEquals(2, r.runOnce());
    assertEquals("h-2-0", firstId());
    // A sink that has committed nothing keeps everything.
    assertEquals(0, retention(Duration.ofHours(3), Long.MAX_VALUE, OptionalLong.empty()).runOnce());
    assertEquals(0, overflowNow.get());
  }

  @Test
  void overTheSizeLimitTheOldestCyclesGoEvenUnshippedAndAreCounted() throws Exception {
    long total = journal.usedBytes();
    long perCycle = total / HOURS;
    // Room for about four cycles; a sink committed up to the middle of hour 1.
    JournalRetention r =
        retention(
            Duration.ofDays(7),
            perCycle * 4 + perCycle / 2,
            OptionalLong.of(indexes.get(1).get(19)));
    assertEquals(6, r.runOnce());
    assertEquals("h-6-0", firstId());
    // Hour 0 was shipped; of hour 1, the 30 records after index 19; hours 2..5 not at all.
    assertEquals(30 + 4 * PER_HOUR, r.overflowRecords());
    assertEquals(30 + 4 * PER_HOUR, overflowNow.get());
    assertEquals(30 + 4 * PER_HOUR, overflowTotal.get());
    assertTrue(journal.usedBytes() <= perCycle * 4 + perCycle / 2, "under the limit now");
    // The writer goes on in its cycle.
    journal.append("{\"id\":\"after\"}");
    assertEquals(Optional.of("{\"id\":\"after\"}"), journal.lastRecord());
  }
}

package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.replay.ReplayQuery;
import dev.dockward.agent.replay.Replayer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random {@code --since}/{@code --until} windows over random journals with gaps (the agent
 * stopped), cycles deleted by retention, cycles deleted while no agent ran, and an empty cycle: the
 * seeking replay prints exactly what a full scan filtered by time prints, and a replay with {@code
 * --since} alone reads nothing before the cycle of {@code since}.
 *
 * <p>The seed is fixed ({@link #SEED}); run another with {@code -Ddockward.seed=N}. Every failure
 * names the seed, the journal and the window.
 */
class ReplaySeekPropertyTest {
  private static final long SEED = 0x5eed_5eeCL;
  private static final int JOURNALS = 8;
  private static final int WINDOWS_PER_JOURNAL = 25;

  /** Below the replay's stop slack: a record is journalled at most this long after its time. */
  private static final Duration MAX_LAG = Duration.ofMinutes(3);

  private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

  @TempDir Path root;

  @Test
  void seekingReplayEqualsAFullScanFilteredByTime() throws Exception {
    long seed = Long.getLong("dockward.seed", SEED);
    Random random = new Random(seed);
    int windows = 0;
    for (int n = 0; n < JOURNALS; n++) {
      String rollCycle = n % 4 == 3 ? "daily" : "hourly";
      try (CycledJournal j = new CycledJournal(root.resolve("j" + n), rollCycle)) {
        String shape = write(j, random);
        String context =
            "seed "
                + seed
                + " (-Ddockward.seed="
                + seed
                + "), journal "
                + n
                + " "
                + rollCycle
                + " ["
                + shape
                + "]";
        try (ChronicleJournal reader = ChronicleJournal.openForReading(j.dir());
            JournalCursor all = reader.fromStart()) {
          List<String> scanned = new ArrayList<>();
          for (Optional<JournalRecord> r = all.next(); r.isPresent(); r = all.next()) {
            scanned.add(id(r.get().json()));
          }
          assertEquals(
              j.expected(Optional.empty(), Optional.empty()), scanned, context + ": full scan");
        }
        Instant first = j.startOf(j.cycleOf(T0) - 3);
        long span = Duration.between(first, j.startOf(j.cycleOf(T0) + 20)).toMillis();
        for (int w = 0; w < WINDOWS_PER_JOURNAL; w++) {
          Optional<Instant> since =
              random.nextInt(5) == 0
                  ? Optional.empty()
                  : Optional.of(first.plusMillis((long) (random.nextDouble() * span)));
          Optional<Instant> until =
              random.nextBoolean()
                  ? Optional.empty()
                  : Optional.of(
                      since.orElse(first).plusMillis((long) (random.nextDouble() * span / 2)));
          String window =
              context
                  + ", --since "
                  + since.map(Instant::toString).orElse("-")
                  + " --until "
                  + until.map(Instant::toString).orElse("-");
          List<String> ids = new ArrayList<>();
          Replayer.Counts counts;
          try (ChronicleJournal reader = ChronicleJournal.openForReading(j.dir())) {
            counts =
                new Replayer(reader)
                    .replay(
                        new ReplayQuery(
                            since,
                            until,
                            Set.of("event", "alert"),
                            Optional.empty(),
                            Set.of(),
                            Optional.empty(),
                            Optional.empty()),
                        r -> ids.add(id(r.json())),
                        false,
                        () -> true);
          }
          assertEquals(j.expected(since, until), ids, window);
          if (since.isPresent() && until.isEmpty()) {
            assertEquals(j.onDiskFrom(since.get()), counts.read(), window + ": records read");
          } else if (since.isPresent()) {
            assertTrue(
                counts.read() <= j.onDiskFrom(since.get()),
                window + ": records read " + counts.read());
          }
          windows++;
        }
      }
    }
    assertEquals(JOURNALS * WINDOWS_PER_JOURNAL, windows);
  }

  /**
   * Twenty cycles from T0: each has no record (the agent stopped: '.', or 'e' when a rolled-back
   * write left the cycle's file empty), or one to five records with a lag of up to {@link #MAX_LAG}
   * (so some land in the next cycle); then retention deletes some closed cycles, maybe an empty
   * cycle follows the last, and with the agent stopped some cycles are deleted behind its back.
   * Returns what was done, for messages.
   */
  private static String write(CycledJournal j, Random random) throws Exception {
    StringBuilder shape = new StringBuilder();
    Duration cycle = j.cycleLength();
    int base = j.cycleOf(T0);
    for (int c = 0; c < 20; c++) {
      if (random.nextInt(3) == 0) {
        j.stop();
        if (random.nextInt(3) == 0) {
          j.emptyCycle(j.startOf(base + c).plus(MAX_LAG));
          shape.append('e');
        } else {
          shape.append('.');
        }
        continue;
      }
      int records = 1 + random.nextInt(5);
      List<Long> offsets = new ArrayList<>();
      for (int i = 0; i < records; i++) {
        offsets.add((long) (random.nextDouble() * cycle.toMillis()));
      }
      offsets.sort(null);
      for (long offset : offsets) {
        j.append(
            j.startOf(base + c).plusMillis(offset),
            Duration.ofMillis((long) (random.nextDouble() * MAX_LAG.toMillis())));
      }
      shape.append(records);
    }
    List<Integer> cycles = j.cyclesWithRecords();
    // A journal that ends stopped has no writer: start it for retention with one more record.
    j.append(j.startOf(cycles.get(cycles.size() - 1) + 1).plusSeconds(1), Duration.ZERO);
    cycles = j.cyclesWithRecords();
    List<Integer> byRetention = new ArrayList<>();
    for (int c : cycles.subList(0, cycles.size() - 1)) {
      if (random.nextInt(6) == 0) {
        j.deleteByRetention(c);
        byRetention.add(c - base);
      }
    }
    j.stop();
    // Before the deletions behind the writer's back: a writer opening lists the directory again.
    boolean empty = random.nextBoolean();
    if (empty) {
      j.emptyCycle(j.startOf(cycles.get(cycles.size() - 1) + 2));
    }
    List<Integer> behind = new ArrayList<>();
    List<Integer> left = j.cyclesWithRecords();
    for (int i = 0; i < left.size(); i++) {
      // The oldest more often: its file is the one the queue's metadata names as the first.
      if (random.nextInt(i == 0 ? 3 : 8) == 0) {
        j.deleteBehindItsBack(left.get(i));
        behind.add(left.get(i) - base);
      }
    }
    return shape
        + "; retention deleted "
        + byRetention
        + ", deleted while stopped "
        + behind
        + (empty ? ", empty cycle after the last" : "");
  }

  private static String id(String json) {
    int at = json.indexOf("\"id\":\"") + 6;
    return json.substring(at, json.indexOf('"', at));
  }
}

package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.replay.ReplayQuery;
import dev.dockward.agent.replay.Replayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay from a time that has no roll cycle of its own: before the journal's first cycle, in a gap
 * where the agent was stopped, after the last cycle, and where retention or an operator deleted
 * cycles. Chronicle's seek asked for the cycle file of {@code since} and threw.
 */
class JournalSeekTest {
  /** Hours with records: 10, 11, (12, 13 stopped), 14, 15, 16. */
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  private static final int[] HOURS = {0, 1, 4, 5, 6};

  @TempDir Path dir;

  private static Instant at(int hour, int minute) {
    return T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
  }

  /**
   * Six records a cycle, each journalled 2 s after its time; the agent stops over cycles 2 and 3
   * (hourly: from 10:00, hours 12 and 13; daily: from the start of T0's day).
   */
  private CycledJournal write(String rollCycle, Duration cycle) {
    CycledJournal j = new CycledJournal(dir, rollCycle);
    Instant base =
        Instant.ofEpochMilli(Math.floorDiv(T0.toEpochMilli(), cycle.toMillis()) * cycle.toMillis());
    for (int h : HOURS) {
      for (int m = 5; m < 60; m += 10) {
        j.append(
            base.plus(cycle.multipliedBy(h)).plus(cycle.dividedBy(60).multipliedBy(m)),
            Duration.ofSeconds(2));
      }
      if (h == 1) {
        j.stop();
      }
    }
    return j;
  }

  private static ReplayQuery window(Optional<Instant> since, Optional<Instant> until) {
    return new ReplayQuery(
        since,
        until,
        Set.of("event", "alert"),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty());
  }

  private record Result(List<String> ids, Replayer.Counts counts) {}

  private Result replay(Optional<Instant> since, Optional<Instant> until) {
    List<String> ids = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      Replayer.Counts counts =
          new Replayer(j)
              .replay(window(since, until), r -> ids.add(id(r.json())), false, () -> true);
      return new Result(ids, counts);
    }
  }

  private static String id(String json) {
    int at = json.indexOf("\"id\":\"") + 6;
    return json.substring(at, json.indexOf('"', at));
  }

  @Test
  void sinceBeforeTheFirstCycleReadsEveryRecord() {
    try (CycledJournal j = write("hourly", Duration.ofHours(1))) {
      j.stop();
      Optional<Instant> since = Optional.of(at(-1, 30));
      Result r = replay(since, Optional.empty());
      assertEquals(j.expected(since, Optional.empty()), r.ids());
      assertEquals(30, r.ids().size());
    }
  }

  @Test
  void sinceInAGapStartsAtTheNextCycleWithoutReadingTheHoursBefore() {
    try (CycledJournal j = write("hourly", Duration.ofHours(1))) {
      j.stop();
      Optional<Instant> since = Optional.of(at(2, 40));
      Result r = replay(since, Optional.empty());
      assertEquals(j.expected(since, Optional.empty()), r.ids());
      assertEquals(18, r.ids().size());
      assertEquals(18, r.counts().read(), "hours 10 and 11 are not read");
      Optional<Instant> until = Optional.of(at(5, 20));
      assertEquals(j.expected(since, until), replay(since, until).ids());
      assertEquals(8, j.expected(since, until).size());
    }
  }

  @Test
  void sinceAfterTheLastCycleSelectsNothing() {
    try (CycledJournal j = write("hourly", Duration.ofHours(1))) {
      j.stop();
      Result r = replay(Optional.of(at(8, 0)), Optional.empty());
      assertEquals(List.of(), r.ids());
      assertEquals(0, r.counts().read());
    }
  }

  @Test
  void cyclesDeletedByRetentionAreSkipped() throws Exception {
    try (CycledJournal j = write("hourly", Duration.ofHours(1))) {
      j.deleteByRetention(j.cycleOf(at(0, 0)));
      j.deleteByRetention(j.cycleOf(at(4, 0)));
      j.stop();
      for (Instant since : List.of(at(-3, 0), at(0, 30), at(3, 0), at(4, 30))) {
        Result r = replay(Optional.of(since), Optional.empty());
        assertEquals(j.expected(Optional.of(since), Optional.empty()), r.ids(), "since " + since);
        assertEquals(j.onDiskFrom(since), r.counts().read(), "since " + since);
      }
      assertEquals(18, j.expected(Optional.empty(), Optional.empty()).size());
      assertEquals(
          j.expected(Optional.empty(), Optional.empty()),
          replay(Optional.empty(), Optional.empty()).ids());
    }
  }

  @Test
  void cyclesDeletedWhileNoAgentRanAreSkippedFromTheStartToo() throws Exception {
    try (CycledJournal j = write("hourly", Duration.ofHours(1))) {
      j.stop();
      // The oldest cycle, one in the middle and the newest: the metadata still names all three.
      j.deleteBehindItsBack(j.cycleOf(at(0, 0)));
      j.deleteBehindItsBack(j.cycleOf(at(4, 0)));
      j.deleteBehindItsBack(j.cycleOf(at(6, 0)));
      assertTrue(Files.exists(j.file(j.cycleOf(at(1, 0)))));
      for (Instant since : List.of(at(-3, 0), at(0, 30), at(3, 0), at(4, 30), at(6, 10))) {
        Result r = replay(Optional.of(since), Optional.empty());
        assertEquals(j.expected(Optional.of(since), Optional.empty()), r.ids(), "since " + since);
      }
      List<String> all = replay(Optional.empty(), Optional.empty()).ids();
      assertEquals(12, all.size());
      assertEquals(j.expected(Optional.empty(), Optional.empty()), all);
    }
  }

  @Test
  void anEmptyCycleFileIsPassedOver() {
    try (CycledJournal j = new CycledJournal(dir, "hourly")) {
      j.append(at(0, 10), Duration.ZERO);
      j.stop();
      // A write rolled back in hour 12 (a full disk): hour 12 has a file and no record.
      j.emptyCycle(at(2, 30));
      j.append(at(4, 10), Duration.ZERO);
      j.stop();
      assertTrue(Files.exists(j.file(j.cycleOf(at(2, 30)))));
      for (Instant since : List.of(at(1, 0), at(2, 0), at(2, 45), at(3, 0))) {
        Result r = replay(Optional.of(since), Optional.empty());
        assertEquals(j.expected(Optional.of(since), Optional.empty()), r.ids(), "since " + since);
        assertEquals(1, r.ids().size());
      }
    }
  }

  @Test
  void dailyCyclesSeekTheSameWay() throws Exception {
    Duration day = Duration.ofDays(1);
    try (CycledJournal j = write("daily", day)) {
      j.stop();
      Instant t = T0.truncatedTo(ChronoUnit.DAYS);
      for (Instant since :
          List.of(
              t.minus(day).plus(Duration.ofHours(5)),
              t.plus(day.multipliedBy(2)),
              t.plus(day.multipliedBy(3)).plus(Duration.ofHours(23)),
              t.plus(day.multipliedBy(5)).plusSeconds(1),
              t.plus(day.multipliedBy(9)))) {
        Result r = replay(Optional.of(since), Optional.empty());
        assertEquals(j.expected(Optional.of(since), Optional.empty()), r.ids(), "since " + since);
        assertEquals(j.onDiskFrom(since), r.counts().read(), "since " + since);
      }
    }
  }

  @Test
  void followFromAGapOrPastTheEndSeesTheRecordsJournalledLater() throws Exception {
    try (CycledJournal j = write("hourly", Duration.ofHours(1))) {
      j.stop();
      for (Instant since : List.of(at(2, 40), at(8, 0))) {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Replayer.Counts> following =
            CompletableFuture.supplyAsync(
                () -> {
                  try (ChronicleJournal reader = ChronicleJournal.openForReading(dir)) {
                    return new Replayer(reader)
                        .replay(
                            window(Optional.of(since), Optional.empty()),
                            r -> seen.add(id(r.json())),
                            true,
                            stop::get);
                  }
                });
        int before = j.expected(Optional.of(since), Optional.empty()).size();
        // Journalled in a new cycle after the last, while the replay follows.
        String late = j.append(at(since.equals(at(8, 0)) ? 9 : 8, 30), Duration.ZERO).id();
        j.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!seen.contains(late) && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        stop.set(true);
        following.get(30, TimeUnit.SECONDS);
        assertEquals(j.expected(Optional.of(since), Optional.empty()), seen, "since " + since);
        assertEquals(before + 1, seen.size());
      }
    }
  }
}

package dev.dockward.agent.journal;

import dev.dockward.event.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A journal written by a set clock into chosen roll cycles, as the agent writes it (each record
 * journalled some lag after its own time), that remembers every record's time and cycle, and can
 * lose cycles the ways a real journal does: the agent stopped (a gap), retention deleted them (the
 * writer lists the directory again), or someone deleted them while no agent ran.
 */
final class CycledJournal implements AutoCloseable {
  /** A record as written: its id, its own time and the cycle the writer's clock put it in. */
  record Written(String id, Instant time, int cycle) {}

  private final Path dir;
  private final String rollCycleName;
  private final RollCycles rollCycle;
  private final SetTimeProvider clock;
  private final List<Written> written = new ArrayList<>();
  private final Set<Integer> deleted = new HashSet<>();
  private ChronicleJournal writer;
  private long now = Long.MIN_VALUE;

  CycledJournal(Path dir, String rollCycle) {
    this.dir = dir;
    this.rollCycleName = rollCycle;
    this.rollCycle = ChronicleJournal.rollCycle(rollCycle);
    this.clock = new SetTimeProvider(0);
  }

  Path dir() {
    return dir;
  }

  Duration cycleLength() {
    return Duration.ofMillis(rollCycle.lengthInMillis());
  }

  /** The cycle that holds the records journalled at {@code time}. */
  int cycleOf(Instant time) {
    return (int) Math.floorDiv(time.toEpochMilli(), (long) rollCycle.lengthInMillis());
  }

  Instant startOf(int cycle) {
    return Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis());
  }

  /** Journals a record of {@code time} at {@code time + lag} (not before the previous append). */
  Written append(Instant time, Duration lag) {
    long at = Math.max(now, time.plus(lag).toEpochMilli());
    now = at;
    clock.currentTimeMillis(at);
    if (writer == null) {
      writer = ChronicleJournal.openForWriting(dir, rollCycleName, clock, Duration.ZERO);
    }
    String id = String.format("r-%06d", written.size() + 1);
    String text = Timestamps.format(time);
    writer.append(
        "{\"schema\":1,\"kind\":\"event\",\"id\":\""
            + id
            + "\",\"time\":\""
            + text
            + "\",\"type\":\"exec\",\"source\":\"test\"}");
    Written w = new Written(id, Instant.parse(text), cycleOf(Instant.ofEpochMilli(at)));
    written.add(w);
    return w;
  }

  /** The agent stops: the writer closes (appending again starts it). */
  void stop() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }

  /**
   * Deletes a closed cycle's file as retention does, with the writer running and listing the
   * directory again.
   */
  void deleteByRetention(int cycle) throws IOException {
    if (writer == null || cycle >= writer.writeCycle()) {
      throw new IllegalStateException("retention deletes closed cycles of a running journal only");
    }
    Files.delete(file(cycle));
    writer.cyclesDeleted();
    deleted.add(cycle);
  }

  /** Deletes a cycle's file while no agent runs (the queue's metadata still names it). */
  void deleteBehindItsBack(int cycle) throws IOException {
    if (writer != null) {
      throw new IllegalStateException("stop the writer first");
    }
    Files.delete(file(cycle));
    deleted.add(cycle);
  }

  /**
   * Leaves an empty file for the cycle of {@code at}: a write that was rolled back (the disk was
   * full) creates the cycle and journals nothing. Needs the writer stopped.
   */
  void emptyCycle(Instant at) {
    if (writer != null) {
      throw new IllegalStateException("stop the writer first");
    }
    now = Math.max(now, at.toEpochMilli());
    clock.currentTimeMillis(now);
    try (SingleChronicleQueue queue =
            ChronicleQueue.singleBuilder(dir).rollCycle(rollCycle).timeProvider(clock).build();
        ExcerptAppender appender = queue.createAppender()) {
      try (DocumentContext dc = appender.writingDocument()) {
        dc.wire().getValueOut().text("rolled back");
        dc.rollbackOnClose();
      }
    }
    if (!Files.exists(file(cycleOf(at)))) {
      throw new IllegalStateException("no file for the empty cycle " + cycleOf(at));
    }
  }

  /** Cycles that hold at least one record still on disk. */
  List<Integer> cyclesWithRecords() {
    return written.stream()
        .map(Written::cycle)
        .filter(c -> !deleted.contains(c))
        .distinct()
        .toList();
  }

  /** The records still on disk, in journal order. */
  List<Written> surviving() {
    return written.stream().filter(w -> !deleted.contains(w.cycle())).toList();
  }

  /**
   * The ids a replay from {@code since} to {@code until} must print: a full scan filtered by time.
   */
  List<String> expected(Optional<Instant> since, Optional<Instant> until) {
    return surviving().stream()
        .filter(w -> since.isEmpty() || !w.time().isBefore(since.get()))
        .filter(w -> until.isEmpty() || !w.time().isAfter(until.get()))
        .map(Written::id)
        .toList();
  }

  /** How many records lie on disk in the cycle of {@code since} and later: all a seek may read. */
  long onDiskFrom(Instant since) {
    int from = cycleOf(since);
    return surviving().stream().filter(w -> w.cycle() >= from).count();
  }

  Path file(int cycle) {
    DateTimeFormatter name =
        DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
    return dir.resolve(name.format(startOf(cycle)) + ".cq4");
  }

  @Override
  public void close() {
    stop();
  }
}

package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.time.Instant;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The journal on Chronicle Queue. One writer (the pipeline thread) appends; any number of
 * {@link JournalCursor}s read, each on its own thread, also from another process (replay while
 * the agent runs).
 */
public final class ChronicleJournal implements AutoCloseable {
  private final Path dir;
  private final SingleChronicleQueue queue;
  private ExcerptAppender appender;

  private ChronicleJournal(Path dir, SingleChronicleQueue queue) {
    this.dir = dir;
    this.queue = queue;
  }

  /**
   * Opens (creating if needed) the journal in {@code dir}, checking first that it can be written.
   *
   * @throws JournalException with a message naming the directory when it cannot
   */
  public static ChronicleJournal openForWriting(Path dir, String rollCycle) {
    return openForWriting(dir, rollCycle, SystemTimeProvider.INSTANCE);
  }

  /**
   * As {@link #openForWriting(Path, String)}, with the clock that decides which roll cycle a record
   * is appended to (tests write journals spanning hours in an instant).
   */
  public static ChronicleJournal openForWriting(Path dir, String rollCycle, TimeProvider clock) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-probe", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new JournalException("journal directory " + dir + " is not writable (" + e + "); "
          + "pass --journal DIR with a directory this user can write", e);
    }
    return new ChronicleJournal(dir, builder(dir).rollCycle(rollCycle(rollCycle)).timeProvider(clock).build());
  }

  /** Opens an existing journal to read it (replay); nothing is created. */
  public static ChronicleJournal openForReading(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new JournalException("no journal at " + dir, null);
    }
    return new ChronicleJournal(dir, builder(dir).readOnly(true).build());
  }

  private static SingleChronicleQueueBuilder builder(Path dir) {
    return ChronicleQueue.singleBuilder(dir);
  }

  static RollCycles rollCycle(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "hourly":
        return RollCycles.FAST_HOURLY;
      case "daily":
        return RollCycles.FAST_DAILY;
      default:
        throw new IllegalArgumentException("roll cycle must be hourly or daily, not '" + name + "'");
    }
  }

  public Path dir() {
    return dir;
  }

  /** Appends one record; returns its index. Called from one thread only. */
  public synchronized long append(String json) {
    if (appender == null) {
      appender = queue.createAppender();
    }
    appender.writeText(json);
    return appender.lastIndexAppended();
  }

  /** The newest record, if any (the record id sequence resumes after it). */
  public Optional<String> lastRecord() {
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.direction(TailerDirection.BACKWARD).toEnd();
      return Optional.ofNullable(tailer.readText());
    }
  }

  /** A reader from the first record. */
  public JournalCursor fromStart() {
    return new JournalCursor(queue.createTailer().toStart());
  }

  /**
   * A reader positioned at the first roll cycle that can hold records of {@code since} or later,
   * without reading what comes before. A record is appended after it was observed, so nothing of
   * {@code since} or later sits in an earlier cycle; the caller skips the earlier records of this one.
   */
  public JournalCursor fromTime(Instant since) {
    ExcerptTailer tailer = queue.createTailer();
    int target = (int) Math.max(0, since.toEpochMilli() / queue.rollCycle().lengthInMillis());
    int last = queue.lastCycle();
    NavigableSet<Long> cycles = last < target ? new TreeSet<>() : queue.listCyclesBetween(target, last);
    if (cycles.isEmpty()) {
      tailer.toEnd();
    } else if (!tailer.moveToCycle(cycles.first().intValue())) {
      tailer.toStart();
    }
    return new JournalCursor(tailer);
  }

  /**
   * A reader positioned just after the record at {@code index}, so that its next record is the
   * first one not yet acknowledged.
   *
   * @return empty when the journal no longer (or never) held that index: retention removed it or
   *     the directory was replaced; the caller then decides where to start
   */
  public Optional<JournalCursor> after(long index) {
    ExcerptTailer tailer = queue.createTailer();
    // moveToIndex(i) positions the tailer so that the next read returns record i: read it once.
    if (tailer.moveToIndex(index) && tailer.readText() != null && tailer.lastReadIndex() == index) {
      return Optional.of(new JournalCursor(tailer));
    }
    tailer.close();
    return Optional.empty();
  }

  /** A reader that sees only what is appended from now on. */
  public JournalCursor fromEnd() {
    return new JournalCursor(queue.createTailer().toEnd());
  }

  @Override
  public synchronized void close() {
    if (appender != null) {
      appender.close();
    }
    queue.close();
  }
}

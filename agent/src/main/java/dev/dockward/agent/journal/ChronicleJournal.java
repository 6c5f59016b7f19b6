package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.BinaryWireCode;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal on Chronicle Queue. One writer (the pipeline thread) appends; any number of {@link
 * JournalCursor}s read, each on its own thread, also from another process (replay while the agent
 * runs).
 *
 * <p>Each entry holds the record's JSON text followed by its {@link HashChain} hash (journal
 * metadata: readers of the JSON see the record unchanged). Appends are synced to disk at most
 * {@link #DEFAULT_SYNC_INTERVAL} apart (configurable): a killed agent loses nothing that was
 * appended, a power cut or kernel panic loses at most the last interval.
 */
public final class ChronicleJournal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

  /** How often appended records are forced to disk unless configured otherwise. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

  /** Free space below which appends are refused (room for Chronicle's index pages and metadata). */
  static final long RESERVE_BYTES = 1L << 20;

  private static final long CHECK_EVERY_BYTES = 64L << 10;

  private final Path dir;
  private final SingleChronicleQueue queue;
  private final HashChain chain = new HashChain();
  private final JournalSyncer syncer;
  private final DurableFile files = new DurableFile();
  private ExcerptAppender appender;
  private final List<String> damaged = new ArrayList<>();
  private byte[] lastHash = HashChain.GENESIS;
  private int lastCycle = Integer.MIN_VALUE;

  /**
   * The file of {@link #lastCycle} (one Path instance per cycle: the pretoucher compares by
   * identity).
   */
  private Path cycleFile;

  /** Started with the appender: only a journal that is written to reads ahead. */
  private JournalPretoucher pretoucher;

  /** The journal directory's file system, for the free-space check. */
  private FileStore store;

  private long inlineSyncs;
  private long bytesSinceCheck = Long.MAX_VALUE / 2;
  private long lastSpaceCheck;
  private boolean full;
  private long refused;
  private Runnable onFull = () -> {};

  private ChronicleJournal(Path dir, SingleChronicleQueue queue, Duration syncInterval) {
    this.dir = dir;
    this.queue = queue;
    // Readers (syncInterval null) never write; zero means every append syncs on the writer's
    // thread.
    this.syncer =
        syncInterval == null || syncInterval.isZero() ? null : new JournalSyncer(dir, syncInterval);
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
    return openForWriting(dir, rollCycle, clock, DEFAULT_SYNC_INTERVAL);
  }

  /**
   * As {@link #openForWriting(Path, String, TimeProvider)}, forcing appended records to disk at
   * most {@code syncInterval} apart (zero: after every append).
   */
  public static ChronicleJournal openForWriting(
      Path dir, String rollCycle, TimeProvider clock, Duration syncInterval) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-probe", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new JournalException(
          "journal directory "
              + dir
              + " is not writable ("
              + e
              + "); "
              + "pass --journal DIR with a directory this user can write",
          e);
    }
    // Chronicle takes a cycle file whose header is damaged for an empty cycle, silently: its
    // records would be skipped and new ones written into it. Such files are moved aside first.
    List<String> movedAside = new ArrayList<>(CycleFiles.moveDamagedAside(dir));
    for (int attempt = 0; ; attempt++) {
      ChronicleJournal journal = null;
      try {
        journal =
            new ChronicleJournal(
                dir,
                builder(dir).rollCycle(rollCycle(rollCycle)).timeProvider(clock).build(),
                syncInterval);
        // The chain goes on from the newest entry, across restarts.
        journal.lastHash =
            journal.lastEntry().flatMap(JournalEntry::hash).orElse(HashChain.GENESIS);
        journal.damaged.addAll(movedAside);
        return journal;
      } catch (RuntimeException | AssertionError | InternalError e) {
        // A cycle file damaged by a crash, a full disk or a hand: Chronicle fails on it as it opens
        // the queue or reads its tail. The newest cycle is the one written when it happened.
        if (journal != null) {
          journal.queue.close();
        }
        if (attempt >= MAX_DAMAGED_CYCLES) {
          throw new JournalException(
              "journal "
                  + dir
                  + " cannot be opened even with "
                  + attempt
                  + " damaged cycle files moved aside ("
                  + movedAside
                  + "): "
                  + e,
              e);
        }
        movedAside.add(moveNewestCycleAside(dir, e));
      }
    }
  }

  /** How many cycle files a start moves aside before it gives up on the journal. */
  private static final int MAX_DAMAGED_CYCLES = 3;

  /** Moves the newest cycle file aside: the one being written when the damage happened. */
  private static String moveNewestCycleAside(Path dir, Throwable why) {
    try {
      Path newest =
          CycleFiles.list(dir).stream()
              .max(Comparator.comparing(f -> f.getFileName().toString()))
              .orElseThrow(
                  () ->
                      new JournalException(
                          "journal " + dir + " cannot be opened and holds no cycle file: " + why,
                          why));
      return CycleFiles.moveAside(dir, newest, why.toString());
    } catch (IOException e) {
      throw new JournalException(
          "journal "
              + dir
              + " cannot be opened ("
              + why
              + ") and its newest cycle file cannot "
              + "be moved aside: "
              + e,
          e);
    }
  }

  /**
   * How many records the journal holds after {@code index} (a sink's committed index), or after
   * none when empty: what the sink is behind. Empty when it cannot be counted (the cycles between
   * were deleted, or the index is from another journal).
   */
  public OptionalLong recordsAfter(OptionalLong index) {
    try {
      long last = queue.lastIndex();
      if (last < 0) {
        return OptionalLong.of(0);
      }
      if (index.isEmpty()) {
        return OptionalLong.of(queue.countExcerpts(queue.firstIndex(), last) + 1);
      }
      return index.getAsLong() >= last
          ? OptionalLong.of(0)
          : OptionalLong.of(queue.countExcerpts(index.getAsLong(), last));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The cycle files this start found damaged and moved into {@code <journal>/damaged/}, each with
   * where it went and the error; empty for a healthy journal.
   */
  public List<String> damagedCycles() {
    return List.copyOf(damaged);
  }

  /** Opens an existing journal to read it (replay); nothing is created. */
  public static ChronicleJournal openForReading(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new JournalException("no journal at " + dir, null);
    }
    return new ChronicleJournal(dir, builder(dir).readOnly(true).build(), null);
  }

  /**
   * The span of a cycle file mapped at a time. Chronicle's default (64 MiB, plus its overlap) keeps
   * every page written in the span mapped, counted in the agent's RSS as file pages, by the writer
   * and by each reader; 16 MiB holds 64 of the largest records ({@link
   * RecordBounds#MAX_RECORD_BYTES}, Chronicle wants a record under a quarter of a block) and costs
   * a new mapping every 16 MiB written (docs/benchmarks.md, "Idle cost"). It sets how a file is
   * mapped, not what is in it.
   */
  static final long BLOCK_SIZE = 16L << 20;

  private static SingleChronicleQueueBuilder builder(Path dir) {
    return ChronicleQueue.singleBuilder(dir).blockSize(BLOCK_SIZE);
  }

  static RollCycles rollCycle(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "hourly":
        return RollCycles.FAST_HOURLY;
      case "daily":
        return RollCycles.FAST_DAILY;
      default:
        throw new IllegalArgumentException(
            "roll cycle must be hourly or daily, not '" + name + "'");
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * Writes the small files kept beside the journal (sink checkpoints, the chain anchor) and counts
   * the times their directory could not be forced to disk.
   */
  public DurableFile files() {
    return files;
  }

  /**
   * Appends one record with its chain hash; returns its index. Called from one thread only (the
   * writer's; Chronicle appenders belong to the thread that made them).
   */
  public synchronized long append(String json) {
    return append(json, null, 0, 0);
  }

  /**
   * Appends the record whose JSON is the UTF-8 text {@code utf8[offset, offset+length)}; as {@link
   * #append(String)}, without a String on the way when the text has no 4-byte sequence.
   */
  public synchronized long append(byte[] utf8, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if ((utf8[i] & 0xf8) == 0xf0) {
        return append(new String(utf8, offset, length, StandardCharsets.UTF_8), null, 0, 0);
      }
    }
    return append(null, utf8, offset, length);
  }

  /**
   * As {@link #append(byte[], int, int)} for text known to hold no 4-byte UTF-8 sequence (no
   * character outside the BMP: Chronicle's text reader decodes 1- to 3-byte sequences only, and
   * {@link JournalWriter}'s JSON escapes the others). The bytes are hashed and copied where they
   * are.
   */
  synchronized long appendBmpUtf8(byte[] utf8, int offset, int length) {
    return append(null, utf8, offset, length);
  }

  /** One entry from either the String or the bytes of its JSON. */
  private long append(String json, byte[] utf8, int offset, int length) {
    if (appender == null) {
      appender = queue.createAppender();
      pretoucher = new JournalPretoucher();
    }
    checkSpace(json != null ? json.length() : length);
    byte[] hash =
        json != null ? chain.next(lastHash, json) : chain.next(lastHash, utf8, offset, length);
    long writePosition;
    try (DocumentContext dc = appender.writingDocument()) {
      try {
        if (json != null) {
          dc.wire().getValueOut().text(json);
        } else {
          writeText(dc.wire(), utf8, offset, length);
        }
        dc.wire().getValueOut().bytes(hash);
        writePosition = dc.wire().bytes().writePosition();
      } catch (InternalError e) {
        // The JVM's report of SIGBUS on a mapped page the file system could not back (full
        // disk that filled between two checks): drop the half-written entry, keep running.
        dc.rollbackOnClose();
        throw diskFull(e);
      }
    }
    // Only a record that was written moves the chain on.
    lastHash = hash;
    long index = appender.lastIndexAppended();
    int cycle = appender.cycle();
    boolean rolled = cycle != lastCycle;
    if (rolled) {
      lastCycle = cycle;
      cycleFile = appender.currentFile().toPath();
    }
    pretoucher.appended(cycleFile, writePosition);
    if (syncer == null) {
      appender.sync(); // sync_interval 0: every record is on disk before append returns
      inlineSyncs++;
    } else {
      syncer.appendedTo(rolled ? cycleFile : null);
    }
    return index;
  }

  /**
   * Writes UTF-8 text as the binary wire's text value, byte for byte what {@code
   * getValueOut().text(String)} writes for a string of that encoding of 32 bytes or more (type code
   * {@code STRING_ANY}, stop-bit length in bytes, the bytes; shorter strings get a one-byte code,
   * which readers take either way), so every reader's {@code text()} reads it. Chronicle's {@code
   * text(BytesStore)} would store bytes as 8-bit characters instead.
   */
  private static void writeText(Wire wire, byte[] utf8, int offset, int length) {
    Bytes<?> out = wire.bytes();
    out.writeUnsignedByte(BinaryWireCode.STRING_ANY);
    out.writeStopBit(length);
    out.write(utf8, offset, length);
  }

  /**
   * Refuses the append while the journal's file system has less than {@link #RESERVE_BYTES} free:
   * Chronicle writes through memory-mapped files, and a page the file system cannot back is a
   * SIGBUS, not an IOException. Free space is asked for every {@link #CHECK_EVERY_BYTES} appended,
   * and at most every 100 ms while full.
   */
  private void checkSpace(int length) {
    bytesSinceCheck += length;
    long now = System.nanoTime();
    if (full ? now - lastSpaceCheck < 100_000_000L : bytesSinceCheck < CHECK_EVERY_BYTES) {
      if (full) {
        refused++;
        throw new JournalFullException("journal disk full (" + dir + ")", null);
      }
      return;
    }
    bytesSinceCheck = 0;
    lastSpaceCheck = now;
    long free;
    try {
      if (store == null) {
        // Found once: looking it up reads the whole mount table (/proc/self/mountinfo), which
        // cost more than the appends themselves when done on every check.
        store = Files.getFileStore(dir);
      }
      free = store.getUsableSpace();
    } catch (IOException e) {
      return; // cannot tell: try the write
    }
    if (free < RESERVE_BYTES) {
      if (!full) {
        full = true;
        refused = 0;
        log.error(
            "journal disk full: {} bytes free under {}; records are refused and counted as lost until space "
                + "returns (retention deletes shipped roll cycles first)",
            free,
            dir);
        onFull.run();
      }
      refused++;
      throw new JournalFullException(
          "journal disk full (" + free + " bytes free under " + dir + ")", null);
    }
    if (full) {
      full = false;
      log.warn(
          "journal accepts records again ({} bytes free); {} records were refused while the disk was full",
          free,
          refused);
    }
  }

  private JournalFullException diskFull(Throwable cause) {
    if (!full) {
      full = true;
      refused = 0;
      log.error(
          "journal write failed, the file system refused a page under {} (disk full?); records are refused "
              + "and counted as lost until space returns",
          dir);
      onFull.run();
    }
    lastSpaceCheck = System.nanoTime();
    refused++;
    return new JournalFullException("journal disk full (" + dir + ")", cause);
  }

  /** Called (on the writer's thread) when the disk fills up: retention may make room. */
  public synchronized void onDiskFull(Runnable action) {
    this.onFull = action;
  }

  /** How many times appended records were forced to disk (a metric, and what tests observe). */
  public synchronized long syncs() {
    return syncer == null ? inlineSyncs : syncer.syncs();
  }

  /** The newest record, if any (the record id sequence resumes after it). */
  public Optional<String> lastRecord() {
    return lastEntry().map(JournalEntry::json);
  }

  private Optional<JournalEntry> lastEntry() {
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.direction(TailerDirection.BACKWARD).toEnd();
      return JournalCursor.read(tailer);
    }
  }

  /** A reader from the first record. */
  public JournalCursor fromStart() {
    ExcerptTailer tailer = queue.createTailer();
    if (!moveToFirstCycleFrom(tailer, Integer.MIN_VALUE)) {
      tailer.toStart(); // an empty journal: the tailer waits for its first record
    }
    return new JournalCursor(tailer);
  }

  /**
   * A reader positioned at the first roll cycle that can hold records of {@code since} or later,
   * without reading what comes before. A record is appended after it was observed, so nothing of
   * {@code since} or later sits in an earlier cycle; the caller skips the earlier records of this
   * one. When no cycle of {@code since} or later exists the reader waits at the end.
   */
  public JournalCursor fromTime(Instant since) {
    long cycle =
        Math.floorDiv(
            since.toEpochMilli() - queue.epoch(), (long) queue.rollCycle().lengthInMillis());
    ExcerptTailer tailer = queue.createTailer();
    if (!moveToFirstCycleFrom(
        tailer, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, cycle)))) {
      tailer.toEnd();
    }
    return new JournalCursor(tailer);
  }

  /**
   * Moves {@code tailer} to the start of the oldest roll cycle at or after {@code from} whose file
   * exists; false when there is none. Cycles are missing where the agent was stopped or idle for a
   * whole cycle, before the journal's first cycle, and where retention (or an operator) deleted
   * them. Chronicle's cycle listing between two cycles throws ("'file not found' for the
   * lowerCycle") when either bound has no file, and the oldest cycle in a read-only queue's
   * metadata may be a file deleted while no writer was open (toStart then reads nothing), so each
   * cycle from the later of {@code from} and that oldest one is tried in turn (a missing one costs
   * a failed {@code moveToCycle}, a file lookup); a cycle retention deletes meanwhile is passed
   * over the same way.
   */
  private boolean moveToFirstCycleFrom(ExcerptTailer tailer, int from) {
    int last = queue.lastCycle();
    for (long cycle = Math.max(Math.max(from, queue.firstCycle()), 0); cycle <= last; cycle++) {
      if (tailer.moveToCycle((int) cycle)) {
        return true;
      }
    }
    return false;
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
    if (tailer.moveToIndex(index)
        && JournalCursor.read(tailer).filter(e -> e.index() == index).isPresent()) {
      return Optional.of(new JournalCursor(tailer));
    }
    tailer.close();
    return Optional.empty();
  }

  /** A reader that sees only what is appended from now on. */
  public JournalCursor fromEnd() {
    return new JournalCursor(queue.createTailer().toEnd());
  }

  /** One roll cycle's file, for retention. */
  record CycleFile(int cycle, Path file, long usedBytes, Instant end) {}

  /** The roll cycles on disk, oldest first, except the newest one (the writer's). */
  List<CycleFile> closedCycles() {
    queue.refreshDirectoryListing();
    int first = queue.firstCycle();
    int last = queue.lastCycle();
    List<CycleFile> cycles = new ArrayList<>();
    if (first == Integer.MAX_VALUE || last < first) {
      return cycles;
    }
    long length = queue.rollCycle().lengthInMillis();
    for (long c : queue.listCyclesBetween(first, last)) {
      int cycle = (int) c;
      if (cycle == last) {
        continue;
      }
      SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
      if (store == null) {
        continue;
      }
      try {
        cycles.add(
            new CycleFile(
                cycle,
                store.file().toPath(),
                store.writePosition(),
                Instant.ofEpochMilli(queue.epoch() + (cycle + 1) * length)));
      } finally {
        queue.closeStore(store);
      }
    }
    return cycles;
  }

  /** The bytes the journal's cycles hold (written, not the sparse files' lengths). */
  long usedBytes() {
    long bytes = closedCycles().stream().mapToLong(CycleFile::usedBytes).sum();
    int last = queue.lastCycle();
    if (last != Integer.MIN_VALUE && last >= 0) {
      SingleChronicleQueueStore store = queue.storeForCycle(last, queue.epoch(), false, null);
      if (store != null) {
        try {
          bytes += store.writePosition();
        } finally {
          queue.closeStore(store);
        }
      }
    }
    return bytes;
  }

  /** The newest cycle, the writer's (never deleted). */
  int writeCycle() {
    return queue.lastCycle();
  }

  /** The roll cycle an index belongs to. */
  int cycleOf(long index) {
    return queue.rollCycle().toCycle(index);
  }

  /**
   * How many entries of {@code cycle} come after {@code index} (read through once; for reports).
   */
  long entriesAfter(int cycle, long index) {
    long n = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      if (!tailer.moveToCycle(cycle)) {
        return 0;
      }
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent() || queue.rollCycle().toCycle(dc.index()) != cycle) {
            return n;
          }
          if (dc.index() > index) {
            n++;
          }
        }
      }
    }
  }

  /**
   * The anchor for deleting every cycle before {@code firstKeptCycle}: the first entry of that
   * cycle and the hash of the entry before it; empty when either is missing or unchained.
   */
  Optional<ChainAnchor> anchorBefore(int firstKeptCycle) {
    try (ExcerptTailer tailer = queue.createTailer()) {
      if (!tailer.moveToCycle(firstKeptCycle)) {
        return Optional.empty();
      }
      Optional<JournalEntry> first = JournalCursor.read(tailer);
      if (first.isEmpty() || queue.rollCycle().toCycle(first.get().index()) != firstKeptCycle) {
        return Optional.empty();
      }
      tailer.direction(TailerDirection.BACKWARD);
      if (!tailer.moveToIndex(first.get().index())) {
        return Optional.empty();
      }
      JournalCursor.read(tailer); // the first kept entry itself; the next read goes one back
      return JournalCursor.read(tailer)
          .flatMap(JournalEntry::hash)
          .map(hash -> new ChainAnchor(first.get().index(), hash));
    }
  }

  /** After cycle files were deleted: Chronicle lists the directory again. */
  void cyclesDeleted() {
    queue.refreshDirectoryListing();
  }

  @Override
  public synchronized void close() {
    if (syncer != null) {
      syncer.close(); // a last fsync of what was appended
    }
    if (pretoucher != null) {
      pretoucher.close();
    }
    if (appender != null) {
      appender.close();
    }
    queue.close();
  }
}

package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleJournalTest {
  @TempDir Path dir;

  @Test
  void recordsComeBackInOrderAndSurviveReopening() {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      j.append("{\"id\":\"a-1\"}");
      j.append("{\"id\":\"a-2\",\"name\":\"sh\\nb\\\"c\\\\xff\"}");
    }
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      j.append("{\"id\":\"a-3\"}");
      assertEquals(Optional.of("{\"id\":\"a-3\"}"), j.lastRecord());
    }
    List<String> read = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        read.add(r.get().json());
      }
    }
    assertEquals(
        List.of(
            "{\"id\":\"a-1\"}",
            "{\"id\":\"a-2\",\"name\":\"sh\\nb\\\"c\\\\xff\"}",
            "{\"id\":\"a-3\"}"),
        read);
  }

  @Test
  void recordsAcrossSeveralMappedBlocksComeBackWhole() {
    String filler = "x".repeat(200_000);
    int n = (int) (2 * ChronicleJournal.BLOCK_SIZE / filler.length()) + 3;
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      for (int i = 0; i < n; i++) {
        j.append("{\"id\":\"b-" + i + "\",\"f\":\"" + filler + "\"}");
      }
    }
    int read = 0;
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        assertEquals("{\"id\":\"b-" + read + "\",\"f\":\"" + filler + "\"}", r.get().json());
        read++;
      }
    }
    assertEquals(n, read);
  }

  @Test
  void aCycleFileWrittenWithChroniclesDefaultBlockSizeReadsWithOurs() {
    // A journal written before the block size was set (Chronicle's 64 MiB blocks): the block
    // size is how a file is mapped, not stored in it.
    byte[] doc = new byte[100_000];
    int n = (int) ((64L << 20) / doc.length) + 20;
    try (ChronicleQueue q =
        ChronicleQueue.singleBuilder(dir).rollCycle(ChronicleJournal.rollCycle("hourly")).build()) {
      var appender = q.createAppender();
      for (int i = 0; i < n; i++) {
        doc[0] = (byte) i;
        appender.writeBytes(Bytes.wrapForRead(doc));
      }
    }
    int read = 0;
    try (ChronicleQueue q =
        ChronicleQueue.singleBuilder(dir).blockSize(ChronicleJournal.BLOCK_SIZE).build()) {
      var tailer = q.createTailer();
      Bytes<?> into = Bytes.allocateElasticOnHeap();
      while (tailer.readBytes(into)) {
        assertEquals(doc.length, into.readRemaining());
        assertEquals((byte) read, into.readByte(0));
        into.clear();
        read++;
      }
    }
    assertEquals(n, read);
  }

  @Test
  void cursorFromEndSeesOnlyNewRecords() {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "daily")) {
      j.append("{\"id\":\"old\"}");
      try (JournalCursor c = j.fromEnd()) {
        assertTrue(c.next().isEmpty());
        j.append("{\"id\":\"new\"}");
        assertEquals("{\"id\":\"new\"}", c.next().orElseThrow().json());
      }
    }
  }

  @Test
  void unwritableDirectoryIsAClearError() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    JournalException e =
        assertThrows(
            JournalException.class,
            () -> ChronicleJournal.openForWriting(file.resolve("journal"), "hourly"));
    assertTrue(e.getMessage().contains(file.resolve("journal").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("--journal"), e.getMessage());
  }

  @Test
  void readingAMissingJournalIsAClearError() {
    JournalException e =
        assertThrows(
            JournalException.class, () -> ChronicleJournal.openForReading(dir.resolve("none")));
    assertTrue(e.getMessage().contains("no journal at"), e.getMessage());
  }

  @Test
  void appendsAreForcedToDiskEverySyncIntervalOrAtOnceWithZero() {
    try (ChronicleJournal j =
        ChronicleJournal.openForWriting(
            dir.resolve("every"),
            "hourly",
            net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE,
            java.time.Duration.ZERO)) {
      for (int i = 0; i < 5; i++) {
        j.append("{\"id\":\"e-" + i + "\"}");
      }
      assertEquals(5, j.syncs(), "0s: each append is synced before it returns");
    }
    try (ChronicleJournal j =
        ChronicleJournal.openForWriting(
            dir.resolve("fast"),
            "hourly",
            net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE,
            java.time.Duration.ofMillis(20))) {
      j.append("{\"id\":\"f-1\"}");
      long end = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
      while (j.syncs() == 0 && System.nanoTime() < end) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      assertEquals(1, j.syncs(), "the sync thread forced the append");
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
      assertEquals(1, j.syncs(), "nothing new appended: nothing forced again");
    }
    ChronicleJournal hourly =
        ChronicleJournal.openForWriting(
            dir.resolve("hourly"),
            "hourly",
            net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE,
            java.time.Duration.ofHours(1));
    for (int i = 0; i < 5; i++) {
      hourly.append("{\"id\":\"h-" + i + "\"}");
    }
    assertEquals(0, hourly.syncs(), "within the interval nothing is forced yet");
    hourly.close();
    assertEquals(1, hourly.syncs(), "closing forces what is left");
  }
}

package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal whose newest cycle file was damaged (a crash mid-write, a full disk, a hand) still
 * opens: the damaged file goes to {@code damaged/}, the agent goes on and says so, the older cycles
 * stay readable. Without the recovery, opening throws (a restart loop under systemd).
 */
class JournalDamageTest {
  private static final Instant HOUR_1 = Instant.parse("2026-12-07T10:15:00Z");
  private static final Instant HOUR_2 = Instant.parse("2026-12-07T11:15:00Z");

  @TempDir Path dir;

  private CycledJournal twoHours() {
    CycledJournal j = new CycledJournal(dir.resolve("journal"), "hourly");
    for (int i = 0; i < 300; i++) {
      j.append(HOUR_1.plusMillis(i), Duration.ZERO);
    }
    for (int i = 0; i < 200; i++) {
      j.append(HOUR_2.plusMillis(i), Duration.ZERO);
    }
    j.stop();
    return j;
  }

  /**
   * Overwrites the file's first 4 KiB (Chronicle's header) with seeded noise, as a torn write
   * might.
   */
  private static void damageHeader(Path cycle) throws Exception {
    byte[] junk = new byte[4096];
    new Random(20261207).nextBytes(junk);
    try (RandomAccessFile raf = new RandomAccessFile(cycle.toFile(), "rw")) {
      raf.write(junk);
    }
  }

  private static List<String> ids(Path journal) {
    List<String> out = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(journal);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        String json = r.get().json();
        int at = json.indexOf("\"id\":\"") + 6;
        out.add(json.substring(at, json.indexOf('"', at)));
      }
    }
    return out;
  }

  @Test
  void aDamagedNewestCycleIsMovedAsideAndTheJournalGoesOn() throws Exception {
    CycledJournal written = twoHours();
    Path newest = written.file(written.cycleOf(HOUR_2));
    damageHeader(newest);

    // The agent restarts in the hour it crashed in (systemd restarts it within seconds).
    SetTimeProvider restart = new SetTimeProvider(0);
    restart.currentTimeMillis(HOUR_2.plusSeconds(60).toEpochMilli());
    try (ChronicleJournal journal =
        ChronicleJournal.openForWriting(written.dir(), "hourly", restart, Duration.ZERO)) {
      assertEquals(1, journal.damagedCycles().size(), journal.damagedCycles().toString());
      assertTrue(
          journal.damagedCycles().get(0).startsWith(newest.getFileName() + " moved to "),
          journal.damagedCycles().toString());
      assertTrue(
          journal.damagedCycles().get(0).endsWith("(no store header at its start)"),
          journal.damagedCycles().toString());
      journal.append(
          "{\"schema\":1,\"kind\":\"event\",\"id\":\"after-recovery\",\"time\":\"2026-12-07T11:16:00Z\"}");
    }
    List<String> ids = ids(written.dir());
    assertEquals(301, ids.size(), "the first hour's 300 records and the new one");
    assertEquals("r-000001", ids.get(0));
    assertEquals("after-recovery", ids.get(300));
    try (Stream<Path> aside = Files.list(written.dir().resolve("damaged"))) {
      assertTrue(
          aside.anyMatch(
              p -> p.getFileName().toString().startsWith(newest.getFileName().toString())),
          "the damaged file is kept for a responder");
    }
  }

  @Test
  void aCycleFileCutShortIsMovedAsideToo() throws Exception {
    CycledJournal written = twoHours();
    Path newest = written.file(written.cycleOf(HOUR_2));
    try (RandomAccessFile raf = new RandomAccessFile(newest.toFile(), "rw")) {
      raf.setLength(
          0); // a file created and never written: a crash or a full disk right after creation
    }
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(written.dir(), "hourly")) {
      assertTrue(
          journal.damagedCycles().get(0).contains("only 0 bytes"),
          journal.damagedCycles().toString());
    }
    assertEquals(300, ids(written.dir()).size());
  }

  @Test
  void aHealthyJournalReportsNothingDamagedAndItsFilesPassTheHeaderCheck() throws Exception {
    CycledJournal written = twoHours();
    for (Path cycle : CycleFiles.list(written.dir())) {
      assertEquals(Optional.empty(), CycleFiles.damage(cycle), cycle.toString());
    }
    SetTimeProvider restart = new SetTimeProvider(0);
    restart.currentTimeMillis(HOUR_2.plusSeconds(60).toEpochMilli());
    try (ChronicleJournal journal =
        ChronicleJournal.openForWriting(written.dir(), "hourly", restart, Duration.ZERO)) {
      assertEquals(List.of(), journal.damagedCycles());
    }
    assertEquals(500, ids(written.dir()).size());
  }
}

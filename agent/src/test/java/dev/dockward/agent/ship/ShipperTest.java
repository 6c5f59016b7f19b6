package dev.dockward.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper on a real journal and real checkpoint files, with a sink the test controls. */
class ShipperTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static String alert(int n) {
    return "{\"schema\":1,\"kind\":\"alert\",\"id\":\"t-" + n + "\",\"rule\":\"r\"}";
  }

  private static String event(int n) {
    return "{\"schema\":1,\"kind\":\"event\",\"id\":\"t-" + n + "\",\"type\":\"exec\"}";
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ids.add("t-" + i);
    }
    return ids;
  }

  private static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("within " + DEADLINE + ": " + what);
      }
      Thread.onSpinWait();
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  private Shipper shipper(ChronicleJournal j, Sink sink, ShipperSettings.Start start)
      throws InterruptedException {
    Shipper s =
        new Shipper(
            j,
            sink,
            FileCheckpoint.forSink(dir, "test"),
            ShipperSettings.of(false, start)
                .withMaxBackoff(Duration.ofMillis(200))
                .withDrainTimeout(Duration.ofSeconds(2)));
    s.start();
    return s;
  }

  @Test
  void withLifecycleTheAgentsOwnEventsGoOutBesideAlertsAndOtherEventsDoNot() throws Exception {
    RecordingSink sink = new RecordingSink((id, attempt) -> RecordingSink.Verdict.ACK);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      j.append(event(1));
      j.append("{\"schema\":1,\"kind\":\"event\",\"id\":\"t-2\",\"type\":\"agent_heartbeat\"}");
      long last = j.append(alert(3));
      Shipper s =
          new Shipper(
              j,
              sink,
              FileCheckpoint.forSink(dir, "test"),
              ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)
                  .withLifecycle()
                  .withDrainTimeout(Duration.ofSeconds(2)));
      s.start();
      try (s) {
        await(() -> s.committed().equals(OptionalLong.of(last)), "all three passed");
      }
      assertEquals(List.of("t-2", "t-3"), List.copyOf(sink.sent));
    }
  }

  @Test
  void checkpointAdvancesOnlyWhenEveryOlderRecordIsAcknowledged() throws Exception {
    RecordingSink sink = new RecordingSink((id, attempt) -> RecordingSink.Verdict.HOLD);
    FileCheckpoint checkpoint = FileCheckpoint.forSink(dir, "test");
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      long[] index = new long[4];
      for (int i = 1; i <= 3; i++) {
        index[i] = j.append(alert(i));
      }
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(() -> sink.held.size() == 3, "all three sent");
        sink.held.get("t-3").complete(null);
        sink.held.get("t-2").complete(null);
        await(() -> s.shipped() == 2, "two acknowledged");
        assertEquals(OptionalLong.empty(), s.committed(), "t-1 is still out: nothing committed");
        sink.held.get("t-1").complete(null);
        await(() -> s.committed().equals(OptionalLong.of(index[3])), "t-1 closes the run");
      }
      assertEquals(
          OptionalLong.of(index[3]), checkpoint.load(), "closing stores the committed index");
    }
  }

  @Test
  void refusedRecordsAreSentAgainFromTheJournalUntilAcknowledged() throws Exception {
    // t-2 is refused twice and t-4 once; the rest go through at once.
    RecordingSink sink =
        new RecordingSink(
            (id, attempt) ->
                ("t-2".equals(id) && attempt <= 2) || ("t-4".equals(id) && attempt == 1)
                    ? RecordingSink.Verdict.FAIL
                    : RecordingSink.Verdict.ACK);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      long last = 0;
      for (int i = 1; i <= 5; i++) {
        last = j.append(alert(i));
      }
      long lastIndex = last;
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(
            () -> s.committed().equals(OptionalLong.of(lastIndex)),
            "everything committed in the end");
        assertEquals(3, s.failures());
        assertEquals(3, s.resent());
        assertEquals(5, s.shipped());
      }
      assertTrue(sink.sent.containsAll(ids(1, 5)));
      assertEquals(8, sink.sent.size(), "5 first sends and 3 re-sends: " + sink.sent);
    }
  }

  @Test
  void aRecordRejectedForGoodIsCountedAndPassedNotRetriedForever() throws Exception {
    RecordingSink sink =
        new RecordingSink(
            (id, attempt) ->
                "t-2".equals(id) ? RecordingSink.Verdict.REJECT : RecordingSink.Verdict.ACK);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      long last = 0;
      for (int i = 1; i <= 3; i++) {
        last = j.append(alert(i));
      }
      long lastIndex = last;
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(
            () -> s.committed().equals(OptionalLong.of(lastIndex)),
            "t-3 committed past the rejected t-2");
        assertEquals(1, s.rejected());
        assertEquals(0, s.failures());
      }
      assertEquals(ids(1, 3), sink.sent, "t-2 was offered once");
    }
  }

  @Test
  void aRecordRefusedForItsSizeIsSentAgainCutInHalvesUntilTheSinkTakesIt() throws Exception {
    RecordingSink sink = RecordingSink.acknowledgingAll();
    sink.maxBytes = 20_000;
    // 60 evidence values of 4,000 characters: within every field cap, 240,602 bytes in all.
    StringBuilder evidence = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      evidence
          .append(i == 0 ? "" : ",")
          .append(String.format("\"e%02d\":\"", i))
          .append("y".repeat(4000))
          .append('"');
    }
    String big =
        "{\"schema\":1,\"kind\":\"alert\",\"id\":\"t-2\",\"rule\":\"r\",\"evidence\":{"
            + evidence
            + "}}";
    assertEquals(240_602, big.length());
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      j.append(alert(1));
      j.append(big);
      long last = j.append(alert(3));
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(() -> s.committed().equals(OptionalLong.of(last)), "t-3 committed");
        // Cut to at most 120,301 bytes, then 60,150, 30,075 and 15,037: the first under the sink's
        // 20,000.
        assertEquals(4, s.trimmed());
        assertEquals(0, s.rejected());
        assertEquals(0, s.failures());
      }
      // Whether t-3 goes before the cuts of t-2 depends on when the refusals arrive: count, not
      // order.
      assertEquals(
          Map.of("t-1", 1L, "t-2", 5L, "t-3", 1L),
          sink.sent.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting())));
      List<String> cuts = sink.texts.stream().filter(t -> t.contains("\"id\":\"t-2\"")).toList();
      String text = cuts.get(cuts.size() - 1);
      assertTrue(text.length() <= 15_037, "delivered " + text.length());
      Map<String, Object> delivered =
          new ObjectMapper().readValue(text, new TypeReference<Map<String, Object>>() {});
      @SuppressWarnings("unchecked")
      Map<String, Object> kept = (Map<String, Object>) delivered.get("evidence");
      assertEquals(60, kept.size(), "every value kept, each cut to the same length");
      assertTrue(
          ((String) kept.get("e00")).length() > 100
              && "y".repeat(4000).startsWith((String) kept.get("e59")));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> marks = (List<Map<String, Object>>) delivered.get("truncated");
      assertEquals(Map.of("path", "/evidence/e00", "length", 4000), marks.get(0));
    }
  }

  @Test
  void aRecordStillRefusedAtTheSmallestCutIsRejected() throws Exception {
    RecordingSink sink = RecordingSink.acknowledgingAll();
    sink.maxBytes = 1_000;
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      long last =
          j.append(
              "{\"schema\":1,\"kind\":\"alert\",\"id\":\"t-1\",\"summary\":\""
                  + "y".repeat(10_000)
                  + "\"}");
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(() -> s.committed().equals(OptionalLong.of(last)), "t-1 passed");
        // 10,040 bytes: cut to 5,020 and 2,510; 1,255 would be under the 2 KiB floor.
        assertEquals(2, s.trimmed());
        assertEquals(1, s.rejected());
      }
    }
  }

  @Test
  void duringAnOutageOnlyTheOldestFailedRecordIsTriedAndTheRestFollowOnceItGoesThrough()
      throws Exception {
    AtomicBoolean down = new AtomicBoolean(true);
    List<String> repeatsWhileDown = new CopyOnWriteArrayList<>();
    RecordingSink sink =
        new RecordingSink(
            (id, attempt) -> {
              if (!down.get()) {
                return RecordingSink.Verdict.ACK;
              }
              if (attempt > 1) {
                repeatsWhileDown.add(id);
              }
              return RecordingSink.Verdict.FAIL;
            });
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      long last = 0;
      for (int i = 1; i <= 5; i++) {
        last = j.append(alert(i));
      }
      long lastIndex = last;
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(() -> repeatsWhileDown.size() >= 3, "three re-send rounds while the sink is down");
        down.set(false);
        await(
            () -> s.committed().equals(OptionalLong.of(lastIndex)),
            "everything once the sink is back");
      }
      assertEquals(
          Set.of("t-1"),
          Set.copyOf(repeatsWhileDown),
          "probes are the oldest record only: " + repeatsWhileDown);
      assertTrue(sink.sent.containsAll(ids(1, 5)));
    }
  }

  @Test
  void restartResumesJustAfterTheCheckpointAndSkipsEventsWithoutLosingThePosition()
      throws Exception {
    Path journalDir = dir.resolve("journal");
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
      RecordingSink first = RecordingSink.acknowledgingAll();
      j.append(alert(1));
      j.append(event(2));
      long lastOfFirstRun = j.append(event(3));
      try (Shipper s = shipper(j, first, ShipperSettings.Start.JOURNAL_START)) {
        await(
            () -> s.committed().equals(OptionalLong.of(lastOfFirstRun)),
            "events are passed, not held");
      }
      assertEquals(List.of("t-1"), first.sent);
      assertTrue(first.closed);
      j.append(alert(4));
      j.append(alert(5));
    }
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
      RecordingSink second = RecordingSink.acknowledgingAll();
      // JOURNAL_END would print nothing here: the checkpoint, not the start policy, decides.
      try (Shipper s = shipper(j, second, ShipperSettings.Start.JOURNAL_END)) {
        await(() -> s.shipped() == 2, "the two records after the checkpoint");
      }
      assertEquals(List.of("t-4", "t-5"), second.sent);
    }
  }

  @Test
  void corruptCheckpointMeansEverythingAgainNeverAGap() throws Exception {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      j.append(alert(1));
      long second = j.append(alert(2));
      j.append(alert(3));
      FileCheckpoint checkpoint = FileCheckpoint.forSink(dir, "test");
      checkpoint.store(second);
      // A valid index with a wrong checksum: trusting it would resume after t-2 and never ship t-1
      // or t-2.
      Files.writeString(
          checkpoint.file(),
          Files.readString(checkpoint.file()).replaceAll(" [0-9a-f]{8}\n", " 00000000\n"));
      RecordingSink sink = RecordingSink.acknowledgingAll();
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(() -> s.shipped() == 3, "all three from the start");
      }
      assertEquals(ids(1, 3), sink.sent);
    }
  }

  @Test
  void checkpointIndexTheJournalDoesNotHoldStartsFromTheOldestRecord() throws Exception {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      long last = 0;
      for (int i = 1; i <= 3; i++) {
        last = j.append(alert(i));
      }
      FileCheckpoint.forSink(dir, "test").store(last + 1000);
      RecordingSink sink = RecordingSink.acknowledgingAll();
      try (Shipper s = shipper(j, sink, ShipperSettings.Start.JOURNAL_START)) {
        await(() -> s.shipped() == 3, "all three from the start");
      }
      assertEquals(ids(1, 3), sink.sent);
    }
  }

  @Test
  void withoutACheckpointALiveViewStartsAtTheEnd() throws Exception {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
      j.append(alert(1));
      RecordingSink sink = RecordingSink.acknowledgingAll();
      Shipper s =
          new Shipper(
              j,
              sink,
              Checkpoint.none(),
              ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_END));
      s.start();
      j.append(alert(2));
      await(() -> s.shipped() == 1, "the new record");
      s.close();
      assertEquals(List.of("t-2"), sink.sent);
    }
  }
}

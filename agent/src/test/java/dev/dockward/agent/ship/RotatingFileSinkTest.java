package dev.dockward.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.journal.ChronicleJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotating file sink alone, and behind a shipper on a real journal with its checkpoint. */
class RotatingFileSinkTest {
  @TempDir Path dir;

  private static String alert(int n) {
    return "{\"schema\":1,\"kind\":\"alert\",\"id\":\"f-"
        + n
        + "\",\"rule\":\"r\",\"severity\":\"high\",\"summary\":\"s"
        + n
        + "\"}";
  }

  /** Every line of the rotated files, oldest file first. */
  private List<String> allLines(Path file, int maxFiles) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = maxFiles; i >= 1; i--) {
      Path rotated = file.resolveSibling(file.getFileName() + "." + i);
      if (Files.exists(rotated)) {
        lines.addAll(Files.readAllLines(rotated));
      }
    }
    if (Files.exists(file)) {
      lines.addAll(Files.readAllLines(file));
    }
    return lines;
  }

  @Test
  void linesAreAcknowledgedOnlyOnceFlushedToTheFile() throws IOException {
    Path file = dir.resolve("out/alerts.jsonl");
    RotatingFileSink sink = new RotatingFileSink(file, 1 << 20, 2, OutputFormat.JSONL);
    CompletionStage<Void> sent = sink.send(alert(1), Map.of());
    assertFalse(sent.toCompletableFuture().isDone(), "not acknowledged before it is on disk");
    sink.flush();
    assertTrue(sent.toCompletableFuture().isDone());
    assertFalse(sent.toCompletableFuture().isCompletedExceptionally());
    assertEquals(List.of(alert(1)), Files.readAllLines(file));
    sink.close();
  }

  @Test
  void theFileRotatesBySizeAndKeepsAtMostMaxFilesOldOnes() throws IOException {
    Path file = dir.resolve("alerts.jsonl");
    int lineBytes = alert(100).length() + 1;
    try (RotatingFileSink sink =
        new RotatingFileSink(file, lineBytes * 10L, 3, OutputFormat.JSONL)) {
      for (int i = 100; i < 160; i++) {
        sink.send(alert(i), Map.of());
      }
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(
          List.of("alerts.jsonl", "alerts.jsonl.1", "alerts.jsonl.2", "alerts.jsonl.3"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    for (Path p : List.of(file, dir.resolve("alerts.jsonl.1"), dir.resolve("alerts.jsonl.3"))) {
      assertTrue(Files.size(p) <= lineBytes * 10L, p + " is at most max_size");
    }
    List<String> kept = allLines(file, 3);
    // 60 lines of equal length, 10 per file: the newest 40 are kept, in order.
    List<String> expected = new ArrayList<>();
    for (int i = 120; i < 160; i++) {
      expected.add(alert(i));
    }
    assertEquals(expected, kept);
  }

  @Test
  void textFormatWritesTheShortLine() throws IOException {
    Path file = dir.resolve("alerts.txt");
    try (RotatingFileSink sink = new RotatingFileSink(file, 1 << 20, 1, OutputFormat.TEXT)) {
      sink.send(
          alert(7),
          Map.of(
              "kind",
              "alert",
              "rule",
              "shell_in_container",
              "severity",
              "high",
              "summary",
              "a shell ran",
              "time",
              "2026-11-23T05:00:00Z"));
    }
    String line = Files.readAllLines(file).get(0);
    assertTrue(line.contains("shell_in_container") && line.contains("a shell ran"), line);
  }

  @Test
  void aShipperWritesEveryAlertOnceAndResumesFromItsCheckpointAfterARestart() throws Exception {
    Path file = dir.resolve("log/alerts.jsonl");
    Path journalDir = dir.resolve("journal");
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
      for (int i = 0; i < 500; i++) {
        j.append(alert(i));
        j.append("{\"schema\":1,\"kind\":\"event\",\"id\":\"e-" + i + "\",\"type\":\"exec\"}");
      }
      ship(j, file, 500);
      for (int i = 500; i < 800; i++) {
        j.append(alert(i));
      }
      ship(j, file, 800);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      expected.add(alert(i));
    }
    assertEquals(
        expected, allLines(file, 1000), "every alert once, in journal order, events left out");
  }

  private void ship(ChronicleJournal j, Path file, int expectLines) throws Exception {
    RotatingFileSink sink = new RotatingFileSink(file, 8 * 1024, 1000, OutputFormat.JSONL);
    Shipper s =
        new Shipper(
            j,
            sink,
            FileCheckpoint.forSink(j.dir(), RotatingFileSink.NAME),
            ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)
                .withDrainTimeout(Duration.ofSeconds(5)));
    s.start();
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (allLines(file, 1000).size() < expectLines && System.nanoTime() < end) {
      LockSupport.parkNanos(5_000_000);
    }
    s.close();
    assertEquals(expectLines, allLines(file, 1000).size());
  }
}

package dev.dockward.bench;

import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.replay.ReplayQuery;
import dev.dockward.agent.replay.Replayer;
import dev.dockward.event.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;

/**
 * The replay benchmark of the investigation issue: a journal of N exec events spread over a day,
 * then the time to the first record of a 15-minute window near the end, the window itself, and a
 * full scan (raw, and through the replay filter), with the heap in use after each.
 */
final class ReplayBench {
  private ReplayBench() {}

  static void run(long records, Path dir) throws IOException {
    Instant start = Instant.parse("2026-11-20T00:00:00Z");
    long spanMillis = Duration.ofHours(24).toMillis();
    SetTimeProvider clock = new SetTimeProvider(start);
    String containerId = "9f2c".repeat(16);
    long t0 = System.nanoTime();
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly", clock)) {
      for (long i = 0; i < records; i++) {
        Instant t = start.plusMillis(i * spanMillis / records);
        clock.currentTimeMillis(t.toEpochMilli());
        j.append(exec(i, t, containerId));
      }
    }
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "journal: %,d records appended in %.1f s (%,.0f records/s)%n",
        records, writeSeconds, records / writeSeconds);

    Instant from = start.plusMillis(spanMillis).minus(Duration.ofMinutes(60));
    Instant to = from.plus(Duration.ofMinutes(15));
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      ReplayQuery window =
          new ReplayQuery(
              Optional.of(from),
              Optional.of(to),
              Set.of("event", "alert"),
              Optional.empty(),
              Set.of(),
              Optional.empty(),
              Optional.empty());
      long w0 = System.nanoTime();
      AtomicLong first = new AtomicLong();
      AtomicLong selected = new AtomicLong();
      Replayer.Counts counts =
          new Replayer(j)
              .replay(
                  window,
                  r -> {
                    if (selected.getAndIncrement() == 0) {
                      first.set(System.nanoTime());
                    }
                  },
                  false,
                  () -> true);
      double total = (System.nanoTime() - w0) / 1e6;
      System.out.printf(
          "window: 15 min near the end: first record after %.1f ms, %,d records in %.0f ms "
              + "(%,d records read), heap %d MiB%n",
          (first.get() - w0) / 1e6, selected.get(), total, counts.read(), heapMiB());

      long r0 = System.nanoTime();
      long raw = 0;
      try (JournalCursor c = j.fromStart()) {
        while (c.next().isPresent()) {
          raw++;
        }
      }
      double rawSeconds = (System.nanoTime() - r0) / 1e9;
      System.out.printf(
          "scan (raw cursor): %,d records in %.1f s (%,.0f records/s), heap %d MiB%n",
          raw, rawSeconds, raw / rawSeconds, heapMiB());

      long f0 = System.nanoTime();
      Replayer.Counts all = new Replayer(j).replay(ReplayQuery.all(), r -> {}, false, () -> true);
      double fullSeconds = (System.nanoTime() - f0) / 1e9;
      System.out.printf(
          "scan (replay, every record selected, none parsed): %,d records in %.1f s (%,.0f records/s), "
              + "heap %d MiB%n",
          all.selected(), fullSeconds, all.selected() / fullSeconds, heapMiB());

      ReplayQuery oneContainer =
          new ReplayQuery(
              Optional.empty(),
              Optional.empty(),
              Set.of("event", "alert"),
              Optional.of("db"),
              Set.of(),
              Optional.empty(),
              Optional.empty());
      long p0 = System.nanoTime();
      Replayer.Counts parsed = new Replayer(j).replay(oneContainer, r -> {}, false, () -> true);
      double parsedSeconds = (System.nanoTime() - p0) / 1e9;
      System.out.printf(
          "scan (replay --container, every record parsed): %,d records in %.1f s (%,.0f records/s), "
              + "heap %d MiB%n",
          parsed.read(), parsedSeconds, parsed.read() / parsedSeconds, heapMiB());
    }
  }

  static String exec(long i, Instant t, String containerId) {
    return "{\"schema\":1,\"kind\":\"event\",\"id\":\"0123456789ab-"
        + String.format("%016x", i + 1)
        + "\",\"time\":\""
        + Timestamps.format(t)
        + "\",\"host\":{\"name\":\"bench\",\"id\":\"0123456789abcdef0123456789abcdef\"},"
        + "\"type\":\"exec\",\"source\":\"netlink\",\"container\":{\"id\":\""
        + containerId
        + "\",\"name\":\"web\","
        + "\"image\":\"nginx:1.25\"},\"process\":{\"pid\":"
        + (1000 + i % 30000)
        + ",\"ppid\":999,\"start_time\":"
        + i
        + ",\"name\":\"sh\",\"exe\":\"/bin/busybox\",\"cmdline\":\"sh -c ls /tmp\",\"uid\":0,\"euid\":0}}";
  }

  static long heapMiB() {
    Runtime rt = Runtime.getRuntime();
    rt.gc();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}

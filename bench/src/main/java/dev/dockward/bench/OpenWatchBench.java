package dev.dockward.bench;

import dev.dockward.fileopen.SensitiveFiles;
import dev.dockward.fileopen.SensitiveOpenSource;
import dev.dockward.host.HostFs;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What the sensitive open watch costs: an open/read/close/getppid loop on a marked file and on an
 * unmarked file beside it, without and then with the watch ({@link SensitiveOpenSource} opened in
 * the bench's JVM, its one host mark on the marked file, every open heard, read and attributed: a
 * host open, dropped), in interleaved rounds; and what looking for the credentials files of one
 * root costs (the watch does it for each container when it starts and every 10 s).
 */
final class OpenWatchBench {
  private OpenWatchBench() {}

  static void cost(int rounds, Path loop, int opens) throws Exception {
    Path dir = Files.createTempDirectory("dockward-open-bench");
    Path secret = Files.writeString(dir.resolve("secret"), "root:*:20000::::::\n");
    Path plain = Files.writeString(dir.resolve("plain"), "root:*:20000::::::\n");
    HostFs host = HostFs.system();
    List<double[]> results = new ArrayList<>();
    try {
      for (int round = 1; round <= rounds; round++) {
        double[] r = new double[4];
        r[0] = loop(loop, opens, plain);
        r[1] = loop(loop, opens, secret);
        LongAdder events = new LongAdder();
        try (SensitiveOpenSource watch =
            SensitiveOpenSource.open(
                host,
                HostReference.find(host),
                new ProcReader(host),
                List::of,
                id -> Optional.empty(),
                Clock.systemUTC(),
                new SensitiveFiles(List.of(secret.toString()), List.of()))) {
          watch.start(e -> events.increment());
          long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (watch.marks() < 1 && System.nanoTime() < end) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
          }
          long cpu = processCpuNanos();
          r[2] = loop(loop, opens, plain);
          r[3] = loop(loop, opens, secret);
          long heard = awaitSettled(watch);
          cpu = processCpuNanos() - cpu;
          System.out.printf(
              "round %d: unmarked file %.0f -> %.0f ns, marked file %.0f -> %.0f ns"
                  + " (marks %d, opens heard and dropped as the host's %d of %d, overflows %d, events %d;"
                  + " the bench's JVM used %.1f ms of CPU meanwhile, %.1f us per heard open)%n",
              round,
              r[0],
              r[2],
              r[1],
              r[3],
              watch.marks(),
              heard,
              opens,
              watch.counters().get("overflow_drops"),
              events.sum(),
              cpu / 1e6,
              heard == 0 ? 0 : cpu / 1e3 / heard);
        }
        results.add(r);
      }
      System.out.printf(
          "median: unmarked file %.0f ns without, %.0f ns with (%+.1f %%); marked file %.0f ns without,"
              + " %.0f ns with (%+.1f %%)%n",
          median(results, 0),
          median(results, 2),
          100 * (median(results, 2) / median(results, 0) - 1),
          median(results, 1),
          median(results, 3),
          100 * (median(results, 3) / median(results, 1) - 1));
      int n = 200;
      long start = System.nanoTime();
      int found = 0;
      for (int i = 0; i < n; i++) {
        found = SensitiveFiles.DEFAULT.expand(Path.of("/")).size();
      }
      System.out.printf(
          "credentials files of this host's root: %d, looked for in %.0f us (mean of %d)%n",
          found, (System.nanoTime() - start) / 1e3 / n, n);
    } finally {
      Files.deleteIfExists(secret);
      Files.deleteIfExists(plain);
      Files.deleteIfExists(dir);
    }
  }

  /** The watch's count of heard opens once it stopped growing (it reads behind the loop). */
  private static long awaitSettled(SensitiveOpenSource watch) {
    long last = -1;
    long now = watch.counters().get("host_opens");
    while (now != last) {
      LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
      last = now;
      now = watch.counters().get("host_opens");
    }
    return now;
  }

  /**
   * CPU time of this JVM, all threads (the watch's reader is the only busy one while the loop
   * runs).
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double loop(Path program, int n, Path file) throws Exception {
    Process p =
        new ProcessBuilder(program.toString(), "openread", Integer.toString(n), file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(program + " openread failed: " + out);
    }
    return Double.parseDouble(out);
  }
}

package dev.dockward.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel's own clock of each exec, as an independent reference: bpftrace on the {@code
 * sched_process_exec} tracepoint prints the pid and {@code nsecs} (CLOCK_MONOTONIC, the clock of
 * {@link System#nanoTime} on Linux) of every exec whose command name is {@code sh} or {@code
 * busybox}. Absent (no execs) when bpftrace is not installed or cannot attach.
 */
final class ExecClock {
  private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

  private final Process bpftrace;
  private final Path out;
  private final boolean mounted;

  private ExecClock(Process bpftrace, Path out, boolean mounted) {
    this.bpftrace = bpftrace;
    this.out = out;
    this.mounted = mounted;
  }

  static ExecClock start(Path out) throws Exception {
    boolean mounted = false;
    try {
      if (!Files.exists(TRACEFS.resolve("events"))) {
        mounted =
            new ProcessBuilder("mount", "-t", "tracefs", "nodev", TRACEFS.toString())
                    .inheritIO()
                    .start()
                    .waitFor()
                == 0;
      }
      Process p =
          new ProcessBuilder(
                  "bpftrace",
                  "-e",
                  "tracepoint:sched:sched_process_exec /comm == \"sh\" || comm == \"busybox\"/ { printf(\"X %d %llu\\n\", pid, nsecs); }")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < end
          && p.isAlive()
          && !(Files.exists(out)
              && Files.readString(out, StandardCharsets.ISO_8859_1).contains("Attaching"))) {
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
      return new ExecClock(p, out, mounted);
    } catch (IOException e) {
      System.out.println("  (bpftrace not started: " + e.getMessage() + ")");
      return new ExecClock(null, out, mounted);
    }
  }

  /** The kernel time of each pid's last exec as sh or busybox. */
  Map<Long, Long> execs() throws IOException {
    Map<Long, Long> m = new HashMap<>();
    if (bpftrace == null || !Files.exists(out)) {
      return m;
    }
    for (String line : Files.readAllLines(out, StandardCharsets.ISO_8859_1)) {
      String[] f = line.trim().split(" ");
      if (f.length == 3 && f[0].equals("X")) {
        m.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
      }
    }
    return m;
  }

  void stop() throws Exception {
    if (bpftrace != null) {
      bpftrace.destroy();
      bpftrace.waitFor(10, TimeUnit.SECONDS);
    }
    if (mounted) {
      new ProcessBuilder("umount", TRACEFS.toString()).inheritIO().start().waitFor();
    }
  }
}

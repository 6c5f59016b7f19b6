package dev.dockward.bench;

import dev.dockward.execfile.ContainerInits;
import dev.dockward.execfile.ExecFileSource;
import dev.dockward.host.HostFs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * What the exec file watch costs an exec: a spawn loop (fork, execve {@code /bin/true}, waitpid) in
 * a container and on the host, in interleaved rounds without the watch, with its mount marks on the
 * container's mounts (the agent's choice), and with file system marks on the file systems those
 * mounts show. The watch runs as in the agent (its thread reads and chains every event); nothing
 * takes the chains.
 */
final class ExecFileBench {
  private static final String IMAGE = "dockward/busybox:test";

  private ExecFileBench() {}

  static void cost(int rounds, Path loop, int spawns) throws Exception {
    String label = "dockward.bench.run=" + UUID.randomUUID();
    String id =
        BenchDocker.docker("run", "-d", "--label", label, "--network=none", IMAGE, "sleep", "3600");
    try {
      BenchDocker.docker("exec", id, "sh", "-c", "ln -s busybox /bin/true");
      BenchDocker.docker("cp", loop.toString(), id + ":/loop");
      long initPid = Long.parseLong(BenchDocker.docker("inspect", "-f", "{{.State.Pid}}", id));
      ContainerInits running = () -> Map.of(id, initPid);
      List<double[]> results = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[] r = new double[6];
        r[0] = inContainer(id, spawns);
        r[1] = onHost(loop, spawns);
        for (ExecFileSource.Scope scope : ExecFileSource.Scope.values()) {
          try (ExecFileSource watch =
              ExecFileSource.open(HostFs.system(), running, ContainerInits.NONE, scope)) {
            watch.start(e -> {});
            awaitMarked(watch);
            int at = scope == ExecFileSource.Scope.MOUNTS ? 2 : 4;
            r[at] = inContainer(id, spawns);
            r[at + 1] = onHost(loop, spawns);
            System.out.printf("  %s: %d marks, %s%n", scope, watch.marks(), watch.counters());
          }
        }
        System.out.printf(
            "round %d: spawn in the container %.1f / %.1f / %.1f us, on the host %.1f / %.1f / %.1f us"
                + " (no watch / mount marks / file system marks)%n",
            round, r[0] / 1000, r[2] / 1000, r[4] / 1000, r[1] / 1000, r[3] / 1000, r[5] / 1000);
        results.add(r);
      }
      System.out.printf(
          "median: spawn in the container %.1f us without, %.1f us with mount marks (%+.1f %%), %.1f us"
              + " with file system marks (%+.1f %%); on the host %.1f us without, %.1f us with mount marks (%+.1f %%),"
              + " %.1f us with file system marks (%+.1f %%)%n",
          median(results, 0) / 1000,
          median(results, 2) / 1000,
          change(results, 2, 0),
          median(results, 4) / 1000,
          change(results, 4, 0),
          median(results, 1) / 1000,
          median(results, 3) / 1000,
          change(results, 3, 1),
          median(results, 5) / 1000,
          change(results, 5, 1));
    } finally {
      BenchDocker.removeLabelled(label);
    }
  }

  private static void awaitMarked(ExecFileSource watch) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (watch.marks() == 0) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            "the container's mounts were not marked: " + watch.counters());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static double inContainer(String id, int spawns) throws Exception {
    return Double.parseDouble(
        BenchDocker.docker("exec", id, "/loop", "spawn", Integer.toString(spawns)).strip());
  }

  private static double onHost(Path loop, int spawns) throws Exception {
    Process p =
        new ProcessBuilder(loop.toString(), "spawn", Integer.toString(spawns))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(loop + " spawn failed: " + out);
    }
    return Double.parseDouble(out);
  }

  private static double change(List<double[]> rows, int with, int without) {
    return 100 * (median(rows, with) / median(rows, without) - 1);
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}

package dev.dockward.bench;

import dev.dockward.cgroup.CgroupResourceSource;
import dev.dockward.event.ContainerInfo;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cgroup sampler's cost: N synthetic containers in a cgroup tree written to tmpfs (v2 unified,
 * then v1 with separate controllers as on this project's hosts), sampled by the real {@link
 * CgroupResourceSource} on its own thread at its production interval. Prints the CPU time and
 * allocation of that thread (ThreadMXBean) per pass and per container sample, and the CPU share of
 * one core, after a warm-up.
 */
final class CgroupResourceSourceBench {
  private static final String THREAD = "dockward-" + CgroupResourceSource.NAME;
  private static final int FIRST_PID = 100_000;

  private CgroupResourceSourceBench() {}

  static void run(int containers, Duration measure, Duration interval) throws Exception {
    Path base =
        Files.isDirectory(Path.of("/dev/shm"))
            ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));
    for (int version : new int[] {2, 1}) {
      Path root = Files.createTempDirectory(base, "dockward-bench-cgroup");
      try {
        List<ContainerInfo> running =
            version == 2 ? v2Tree(root, containers) : v1Tree(root, containers);
        measure(version, root, running, measure, interval);
      } finally {
        ReplayBench.delete(root);
      }
    }
  }

  private static void measure(
      int version, Path root, List<ContainerInfo> running, Duration measure, Duration interval)
      throws Exception {
    AtomicLong samples = new AtomicLong();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (CgroupResourceSource sampler =
        new CgroupResourceSource(
            HostFs.rootedAt(root), () -> running, interval, Clock.systemUTC(), 2)) {
      sampler.start(e -> samples.incrementAndGet());
      long tid = samplerThread();
      Thread.sleep(
          Math.max(5_000, interval.toMillis() * 5)); // warm-up: the JIT compiles the read path
      long cpu0 = threads.getThreadCpuTime(tid);
      long alloc0 = threads.getThreadAllocatedBytes(tid);
      long proc0 = os.getProcessCpuTime();
      long samples0 = samples.get();
      long wall0 = System.nanoTime();
      Thread.sleep(measure.toMillis());
      long cpu = threads.getThreadCpuTime(tid) - cpu0;
      long alloc = threads.getThreadAllocatedBytes(tid) - alloc0;
      long proc = os.getProcessCpuTime() - proc0;
      long taken = samples.get() - samples0;
      double wall = (System.nanoTime() - wall0) / 1e9;
      double passes = (double) taken / running.size();
      Map<String, Long> counters = sampler.counters();
      System.out.printf(
          Locale.ROOT,
          "cgroup v%d, %d containers every %s: %.0f passes in %.1f s, last pass %.1f ms%n",
          version,
          running.size(),
          interval,
          passes,
          wall,
          sampler.lastPass().map(d -> d.toNanos() / 1e6).orElse(Double.NaN));
      System.out.printf(
          Locale.ROOT,
          "  sampler thread CPU: %.1f ms per pass, %.2f %% of one core"
              + " (whole JVM, JIT and GC included: %.2f %%)%n",
          cpu / 1e6 / passes,
          100.0 * cpu / 1e9 / wall,
          100.0 * proc / 1e9 / wall);
      System.out.printf(
          Locale.ROOT,
          "  allocation: %.1f MiB per pass, %.1f KiB per container sample%n",
          alloc / passes / (1 << 20),
          alloc / (double) taken / 1024);
      System.out.printf(Locale.ROOT, "  problems counted (all 0 expected): %s%n", counters);
    }
  }

  private static long samplerThread() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals(THREAD)) {
          return t.getId();
        }
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no " + THREAD + " thread");
  }

  private static String id(int i) {
    return String.format(Locale.ROOT, "%064x", 0x5eedL * 1_000_003L + i);
  }

  private static ContainerInfo container(String id, int pid) {
    ContainerInfo u = ContainerInfo.unresolved(id);
    return new ContainerInfo(
        id,
        "bench-" + pid,
        "bench:1",
        "",
        u.labels(),
        false,
        u.capAdd(),
        u.capDrop(),
        u.mounts(),
        u.namespaces(),
        u.securityOpt(),
        u.limits(),
        OptionalLong.of(pid),
        u.networks(),
        Optional.of(Instant.parse("2026-11-23T00:00:00Z")),
        u.ports());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static final String NET_DEV =
      """
      Inter-|   Receive                                                |  Transmit
       face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
          lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
        eth0: 1296123   16345    0    0    0     0          0         0  7290123    5044    0    0    0     0       0          0
      """;

  /** A v2 host with the systemd driver: one scope per container under system.slice. */
  private static List<ContainerInfo> v2Tree(Path root, int n) throws IOException {
    write(
        root.resolve("proc/self/mountinfo"),
        "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");
    List<ContainerInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = id(i);
      int pid = FIRST_PID + i;
      String scope = "/system.slice/docker-" + id + ".scope";
      write(root.resolve("proc/" + pid + "/cgroup"), "0::" + scope + "\n");
      write(root.resolve("proc/" + pid + "/net/dev"), NET_DEV);
      Path d = root.resolve("sys/fs/cgroup" + scope);
      write(
          d.resolve("cpu.stat"),
          "usage_usec 8765432\nuser_usec 7000000\nsystem_usec 1765432\nnr_periods 501\n"
              + "nr_throttled 77\nthrottled_usec 3141592\nnr_bursts 0\nburst_usec 0\n");
      write(d.resolve("cpu.max"), "50000 100000\n");
      write(d.resolve("memory.current"), "98765432\n");
      write(d.resolve("memory.max"), "134217728\n");
      write(
          d.resolve("memory.events"),
          "low 0\nhigh 0\nmax 19\noom 0\noom_kill 0\noom_group_kill 0\n");
      write(d.resolve("pids.current"), "12\n");
      write(d.resolve("pids.max"), "max\n");
      write(d.resolve("pids.events"), "max 0\n");
      write(
          d.resolve("io.stat"),
          "254:0 rbytes=1310720 wbytes=65536 rios=30 wios=4 dbytes=0 dios=0\n");
      write(d.resolve("io.max"), "254:0 rbps=max wbps=4194304 riops=max wiops=max\n");
      out.add(container(id, pid));
    }
    return out;
  }

  /**
   * A v1 host laid out as this project's machines: one hierarchy per controller, cpu apart from
   * cpuacct.
   */
  private static List<ContainerInfo> v1Tree(Path root, int n) throws IOException {
    write(
        root.resolve("proc/self/mountinfo"),
        """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """);
    List<ContainerInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = id(i);
      int pid = FIRST_PID + i;
      String path = "/docker/" + id;
      write(
          root.resolve("proc/" + pid + "/cgroup"),
          "8:pids:"
              + path
              + "\n7:blkio:"
              + path
              + "\n4:memory:"
              + path
              + "\n2:cpuacct:"
              + path
              + "\n1:cpu:"
              + path
              + "\n0::"
              + path
              + "\n");
      write(root.resolve("proc/" + pid + "/net/dev"), NET_DEV);
      Path fs = root.resolve("sys/fs/cgroup");
      write(
          fs.resolve("cpu" + path + "/cpu.stat"),
          "nr_periods 38\nnr_throttled 31\nthrottled_time 1518940272\n"
              + "nr_bursts 0\nburst_time 0\n");
      write(fs.resolve("cpu" + path + "/cpu.cfs_quota_us"), "50000\n");
      write(fs.resolve("cpu" + path + "/cpu.cfs_period_us"), "100000\n");
      write(fs.resolve("cpuacct" + path + "/cpuacct.usage"), "1618197201\n");
      write(fs.resolve("memory" + path + "/memory.usage_in_bytes"), "643072\n");
      write(fs.resolve("memory" + path + "/memory.limit_in_bytes"), "33554432\n");
      write(fs.resolve("memory" + path + "/memory.failcnt"), "90\n");
      write(
          fs.resolve("memory" + path + "/memory.oom_control"),
          "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
      write(fs.resolve("pids" + path + "/pids.current"), "11\n");
      write(fs.resolve("pids" + path + "/pids.max"), "64\n");
      write(fs.resolve("pids" + path + "/pids.events"), "max 1\n");
      write(
          fs.resolve("blkio" + path + "/blkio.throttle.io_service_bytes"),
          "254:0 Read 0\n254:0 Write 21561344\n"
              + "254:0 Sync 21561344\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 21561344\nTotal 21561344\n");
      write(fs.resolve("blkio" + path + "/blkio.throttle.read_bps_device"), "");
      write(fs.resolve("blkio" + path + "/blkio.throttle.write_bps_device"), "254:0 4194304\n");
      out.add(container(id, pid));
    }
    return out;
  }
}

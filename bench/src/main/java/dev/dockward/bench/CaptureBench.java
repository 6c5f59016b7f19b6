package dev.dockward.bench;

import dev.dockward.host.HostFs;
import dev.dockward.net.FlowTable;
import dev.dockward.net.FrameFacts;
import dev.dockward.net.IpAddress;
import dev.dockward.net.NetworkFlowSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The capture benchmark of the network issue. {@code scripts/bench capture} builds a bridge with
 * two network namespaces on veth pairs; this class captures on that bridge with the agent's {@link
 * NetworkFlowSource} and, for each rate, sends UDP frames from one namespace to the other with
 * Debian's trafgen (netsniff-ng) for a fixed count, then compares what the capture handed to the
 * parser with the kernel's counters (PACKET_STATISTICS, and the bridge ports' rx_packets), and the
 * JVM's CPU time with the rate. The flow table's memory at 100k flows is measured apart, with
 * synthetic flows.
 */
final class CaptureBench {

  private CaptureBench() {}

  static void run(
      String bridge,
      List<String> ports,
      String namespace,
      Path trafgenConfig,
      int seconds,
      List<Long> rates)
      throws Exception {
    AtomicLong events = new AtomicLong();
    NetworkFlowSource.Settings settings =
        new NetworkFlowSource.Settings(
            List.of(bridge), 128, 64L << 20, Duration.ofSeconds(1), FlowTable.Settings.DEFAULT);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (NetworkFlowSource source =
        NetworkFlowSource.open(HostFs.system(), List::of, Clock.systemUTC(), settings)) {
      source.start(e -> events.incrementAndGet());
      awaitCounter(source, "bridges_opened", 1);
      send(namespace, trafgenConfig, 50_000, 2); // warm-up (JIT), not reported
      settle(source);
      System.out.printf(
          "capture on %s, %d s per rate, trafgen UDP frames of 106 bytes over 64 flows%n",
          bridge, seconds);
      System.out.println(
          "| target pps | sent in | achieved pps (bridge ports rx) | socket saw (PACKET_STATISTICS) | handed to parser | kernel drops | loss | JVM CPU | CPU per 100k pps |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (long rate : rates) {
        Map<String, Long> before = settle(source);
        long portsBefore = portPackets(ports);
        long cpuBefore = os.getProcessCpuTime();
        double elapsed = send(namespace, trafgenConfig, rate, seconds);
        long cpu = os.getProcessCpuTime() - cpuBefore;
        Map<String, Long> after = settle(source);
        long portRx = portPackets(ports) - portsBefore;
        long kernel = delta(before, after, "kernel_packets");
        long drops = delta(before, after, "kernel_packets_dropped");
        long handed =
            delta(before, after, "frames_parsed") + delta(before, after, "frames_malformed");
        double cores = cpu / 1e9 / elapsed;
        double pps = portRx / elapsed;
        System.out.printf(
            "| %,d | %.1f s | %,.0f | %,d | %,d | %,d | %.2f %% | %.3f cores | %.3f cores |%n",
            rate,
            elapsed,
            pps,
            kernel,
            handed,
            drops,
            portRx == 0 ? 0.0 : 100.0 * Math.max(0, portRx - handed) / portRx,
            cores,
            pps == 0 ? 0.0 : cores * 100_000 / pps);
      }
      System.out.printf("flow events emitted: %,d%n", events.get());
    }
  }

  /** Heap held by a flow table of {@code flows} entries (synthetic UDP flows), after full GCs. */
  static void flowTableMemory(int flows) {
    long base = usedHeap();
    FlowTable table =
        new FlowTable(
            new FlowTable.Settings(
                flows, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofSeconds(2)));
    long[] reports = {0};
    long t0 = System.nanoTime();
    for (int i = 0; i < flows; i++) {
      FrameFacts f =
          new FrameFacts(
              0x0242_ac11_0000L + (i & 0xffff),
              0x0242_ac11_ffffL,
              -1,
              0x0800,
              FrameFacts.Layer3.IPV4,
              IpAddress.v4(0x0a00_0000 + i),
              IpAddress.v4(0x0a10_0001),
              FrameFacts.UDP,
              1024 + (i % 60_000),
              53,
              0,
              -1,
              -1,
              -1,
              false,
              false,
              106);
      table.observe(f, "bench0", 1_000_000L + i, r -> reports[0]++);
    }
    double insertMs = (System.nanoTime() - t0) / 1e6;
    long used = usedHeap() - base;
    System.out.printf(
        "flow table: %,d flows, %,d bytes of heap (%.0f bytes/flow), inserted in %.0f ms, %d reports%n",
        table.size(), used, (double) used / table.size(), insertMs, reports[0]);
    if (table.size() != flows) {
      throw new IllegalStateException("expected " + flows + " flows, have " + table.size());
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * Sends {@code pps * seconds} frames from the namespace with trafgen at {@code pps} on one CPU
   * (its TX ring reaches rates a socket-per-packet sender cannot on this machine).
   *
   * @return how long sending took, in seconds
   */
  private static double send(String namespace, Path config, long pps, int seconds)
      throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            "ip",
            "netns",
            "exec",
            namespace,
            "trafgen",
            "--dev",
            "eth0",
            "--conf",
            config.toString(),
            "--rate",
            pps + "pps",
            "--num",
            Long.toString(pps * seconds),
            "--cpus",
            "1",
            "--no-cpu-stats");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds * 4L + 30L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("trafgen did not finish: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("trafgen exited " + p.exitValue() + ": " + out);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Waits until the capture has drained what the kernel holds and published fresh counters. */
  private static Map<String, Long> settle(NetworkFlowSource source) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(1_500);
    return source.counters();
  }

  private static void awaitCounter(NetworkFlowSource source, String name, long atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (source.counters().getOrDefault(name, 0L) < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("capture never opened: " + source.counters());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
    return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
  }

  private static long portPackets(List<String> ports) throws IOException {
    long sum = 0;
    for (String port : ports) {
      sum +=
          Long.parseLong(
              Files.readString(Path.of("/sys/class/net", port, "statistics/rx_packets")).trim());
    }
    return sum;
  }
}

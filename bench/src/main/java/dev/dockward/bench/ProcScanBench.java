package dev.dockward.bench;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.rules.RuleEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent watching many processes: a container starts {@code count} sleeping processes; then a
 * full read of every process in /proc (what a scan without a cache does) is timed beside the
 * agent's own incremental rescan (only (pid, start time) pairs it has not seen are read in full).
 */
final class ProcScanBench {

  private ProcScanBench() {}

  static void run(int count) throws Exception {
    String label = "dockward.bench.run=" + UUID.randomUUID();
    Path dir = Files.createTempDirectory("dockward-proc-bench");
    Agent agent = null;
    try {
      AgentConfig config = BenchAgent.watchingProcesses(dir);
      agent =
          Agent.start(
              config,
              new RuleDetector(
                  new RuleEngine(
                      RuleSetLoading.load(true, List.of(), new PrintWriter(System.err, true))
                          .ruleSet())),
              new PrintStream(OutputStream.nullOutputStream()));
      long rssBefore = rssKib();
      BenchDocker.docker(
          "run",
          "-d",
          "--label",
          label,
          "--network=none",
          "--pids-limit",
          Integer.toString(count + 100),
          "dockward/busybox:test",
          "sh",
          "-c",
          "i=0; while [ $i -lt " + count + " ]; do /bin/sleep 300 & i=$((i+1)); done; wait");
      ProcReader reader = new ProcReader(HostFs.system());
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (reader.pids().count() < count && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      Thread.sleep(3_000); // a few rescans over the full table
      int listed = (int) reader.pids().count();
      System.out.printf("processes on the host: %d (%d in the bench container)%n", listed, count);
      for (int round = 1; round <= 3; round++) {
        long cpu0 = threadCpuNanos();
        long t0 = System.nanoTime();
        int read = 0;
        for (int pid : reader.pids().toArray()) {
          if (reader.read(pid).isPresent()) {
            read++;
          }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf(
            "  full read of every process (bench thread), round %d: %d processes in %.0f ms"
                + " (thread CPU %.0f ms)%n",
            round, read, ms, (threadCpuNanos() - cpu0) / 1e6);
      }
      List<Double> passes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Thread.sleep(1_100);
        passes.add(passSeconds(agent) * 1000);
      }
      System.out.printf(
          "  the agent's incremental rescan, last pass sampled 5 times: %s ms%n",
          passes.stream().map(d -> String.format("%.0f", d)).toList());
      System.out.printf(
          "  agent JVM RSS: %d MiB before the processes, %d MiB watching them%n",
          rssBefore / 1024, rssKib() / 1024);
    } finally {
      if (agent != null) {
        agent.close();
      }
      BenchDocker.removeLabelled(label);
      ReplayBench.delete(dir);
    }
  }

  private static double passSeconds(Agent agent) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile("dockward_source_pass_seconds\\{source=\"proc_scan\"} (\\S+)")
            .matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}

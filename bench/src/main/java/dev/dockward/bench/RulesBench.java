package dev.dockward.bench;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.ProcessExited;
import dev.dockward.event.ProcessForked;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ResourceLimits;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The bundled rules on the documents an exec storm produces (a benign exec in a container, and the
 * fork and exit around it), built the way the pipeline builds them: thread CPU per evaluation,
 * warm. The exec storm's pipeline cost without Docker, netlink or the journal.
 */
final class RulesBench {
  private static final int ROUNDS = 5;

  private RulesBench() {}

  static void run(int events) {
    RuleEngine engine = new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());
    Map<String, Map<String, Object>> documents = documents();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // Warm-up: enough calls for the JIT's top tier on every path.
    for (int i = 0; i < Math.max(events, 200_000); i++) {
      for (Map<String, Object> doc : documents.values()) {
        consume(engine.evaluate(doc).size());
      }
    }
    for (int round = 1; round <= ROUNDS; round++) {
      StringBuilder line = new StringBuilder("round " + round + ":");
      for (Map.Entry<String, Map<String, Object>> doc : documents.entrySet()) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < events; i++) {
          consume(engine.evaluate(doc.getValue()).size());
        }
        double micros = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / events;
        line.append(String.format("  %s %.2f µs", doc.getKey(), micros));
      }
      long cpu0 = threads.getCurrentThreadCpuTime();
      Map<String, Object> exec = documents.get("exec");
      for (int i = 0; i < events; i++) {
        consume(dev.dockward.rules.ValueNormaliser.normalise(exec).size());
      }
      line.append(
          String.format(
              "  (normalise of the exec %.2f µs)",
              (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / events));
      System.out.println(line);
    }
    System.out.printf(
        "alerts per event: exec %d, fork %d, exit %d; %,d events per kind and round, thread CPU%n",
        engine.evaluate(documents.get("exec")).size(),
        engine.evaluate(documents.get("fork")).size(),
        engine.evaluate(documents.get("exit")).size(),
        events);
  }

  private static long sink;

  /** Keeps results alive so the JIT cannot drop the work. */
  private static void consume(long value) {
    sink += value;
  }

  /** An exec of {@code ls} in a busybox container and its fork and exit, as the storm's. */
  private static Map<String, Map<String, Object>> documents() {
    HostInfo host = new HostInfo("vm", "3f9a0c1d2e4b5a6978877665544332211");
    String id = "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
    ContainerInfo container =
        new ContainerInfo(
            id,
            "storm",
            "dockward/busybox:test",
            "sha256:5b0d59026729b68570d99bc4f3f7c31a2e4ff0f736a45b7b7a6e1c1d2f3e4a5b",
            Map.of("dockward.bench", "storm"),
            false,
            List.of(),
            List.of(),
            List.of(new MountInfo("bind", "/srv/data", "/data", false)),
            new NamespaceModes("", "bridge", "private", "", "", "private"),
            List.of(),
            ResourceLimits.NONE,
            OptionalLong.of(4242),
            Map.of(
                "bridge",
                new NetworkEndpoint(
                    "1c8e0f3a2b4d", "172.17.0.2", "02:42:ac:11:00:02", "172.17.0.1")),
            Optional.of(Instant.parse("2026-11-23T05:40:11Z")),
            List.of());
    Map<String, Long> namespaces =
        Map.of(
            "mnt",
            4026532201L,
            "pid",
            4026532204L,
            "net",
            4026532207L,
            "uts",
            4026532202L,
            "ipc",
            4026532203L,
            "user",
            4026531837L,
            "cgroup",
            4026532205L);
    ProcessInfo ls =
        new ProcessInfo(
            4321,
            4242,
            1234567,
            "ls",
            "/bin/busybox",
            "ls -l /data",
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0xa80425fbL),
            namespaces,
            "/docker/" + id,
            Optional.of(List.of("user")),
            List.of("pipe", "pipe", "pipe"),
            Optional.of(Instant.parse("2026-11-20T10:00:00Z")));
    ProcessInfo shell =
        new ProcessInfo(
            4242,
            4200,
            1234500,
            "sh",
            "/bin/busybox",
            "sh -c while :; do ls; done",
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0xa80425fbL),
            namespaces,
            "/docker/" + id,
            Optional.of(List.of("user")),
            List.of("pipe", "pipe", "pipe"),
            Optional.empty());
    Instant t = Instant.parse("2026-11-23T05:41:02.118Z");
    Event fork =
        new ProcessForked(t, "netlink", Optional.of(shell), 4242, 4321, Optional.of(container));
    Event exec = new ProcessObserved(t.plusMillis(1), "netlink", ls, Optional.of(container));
    Event exit =
        new ProcessExited(
            t.plusMillis(2),
            "netlink",
            Optional.of(ls),
            4321,
            0,
            0,
            OptionalLong.of(2),
            Optional.of(container));
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    out.put("exec", EventDocuments.of(exec, host, "3f9a0c1d2e4b-0000000000000035"));
    out.put("fork", EventDocuments.of(fork, host, "3f9a0c1d2e4b-0000000000000034"));
    out.put("exit", EventDocuments.of(exit, host, "3f9a0c1d2e4b-0000000000000036"));
    return out;
  }
}

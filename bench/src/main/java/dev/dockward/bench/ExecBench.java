package dev.dockward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.rules.RuleEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real-time process events end to end, on the real kernel and dockerd: exec in a container to alert
 * on the stdout sink (latency against the container's own clock), and an exec storm (events
 * received against execs performed, drops, the agent's CPU).
 */
final class ExecBench {
  private static final String IMAGE = "dockward/busybox:test";
  private static final String RULES =
      """
      rules:
        - id: bench_marker_exec
          description: An exec of the latency benchmark's marker.
          condition: event.type == "exec" && proc.cmdline.contains(" dwlat")
          severity: low
          tags: [mitre.T1059]
          output: "{proc.cmdline} in {container.name}"
      """;
  private static final Pattern MARKER = Pattern.compile(" dwlat(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String label = "dockward.bench.run=" + UUID.randomUUID();
  private final Map<Integer, Instant> alertTimes = new ConcurrentHashMap<>();

  /**
   * Per marker: System.nanoTime (the kernel's monotonic clock) when its alert line was written, and
   * its pid.
   */
  private final Map<Integer, long[]> alertNanos = new ConcurrentHashMap<>();

  /** Per marker: System.nanoTime when the rules began and ended evaluating its exec event. */
  private final Map<Integer, long[]> detectNanos = new ConcurrentHashMap<>();

  private final boolean audit;
  private Agent agent;
  private Path dir;

  private ExecBench(boolean audit) {
    this.audit = audit;
  }

  /**
   * {@code audit}: with the audit source on ({@code sources.audit.enabled}), exec events come from
   * it.
   */
  static void run(String what, int count, boolean audit) throws Exception {
    ExecBench bench = new ExecBench(audit);
    try {
      bench.start();
      if (what.equals("latency")) {
        bench.latency(count);
      } else {
        bench.storm(count);
      }
    } finally {
      bench.stop();
    }
  }

  private void start() throws Exception {
    dir = Files.createTempDirectory("dockward-exec-bench");
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("bench.yaml"), RULES);
    AgentConfig config =
        BenchAgent.watchingProcesses(dir)
            .withAlerts(new AgentConfig.Alerts(Duration.ofSeconds(0), 0, 0));
    if (audit) {
      AgentConfig.Sources s = config.sources();
      config =
          config.withSources(
              new AgentConfig.Sources(
                  s.procScan(),
                  s.docker(),
                  s.cgroup(),
                  s.netlink(),
                  s.network(),
                  s.hostWatch(),
                  new AgentConfig.Audit(true)));
    }
    RuleDetector detector =
        new RuleDetector(
            new RuleEngine(
                RuleSetLoading.load(true, List.of(rules), new PrintWriter(System.err, true))
                    .ruleSet()));
    agent =
        Agent.start(
            config,
            new Stamped(detector),
            new PrintStream(new AlertClock(), true, StandardCharsets.UTF_8));
    System.out.println(
        audit ? "mode: netlink + audit (exec events from audit)" : "mode: netlink alone");
  }

  /** The rules, with the moment each marker's exec reaches them and leaves them. */
  private final class Stamped implements Detector {
    private final Detector rules;

    Stamped(Detector rules) {
      this.rules = rules;
    }

    @Override
    public List<Map<String, Object>> alertsFor(
        Map<String, Object> event, Supplier<String> alertIds) {
      long begin = System.nanoTime();
      List<Map<String, Object>> alerts = rules.alertsFor(event, alertIds);
      long end = System.nanoTime();
      if ("exec".equals(event.get("type")) && event.get("process") instanceof Map<?, ?> p) {
        Matcher m = MARKER.matcher(String.valueOf(p.get("cmdline")));
        if (m.find()) {
          detectNanos.putIfAbsent(Integer.parseInt(m.group(1)), new long[] {begin, end});
        }
      }
      return alerts;
    }

    @Override
    public Map<String, Long> evaluationErrors() {
      return rules.evaluationErrors();
    }

    @Override
    public Optional<String> ruleDescription(String ruleId) {
      return rules.ruleDescription(ruleId);
    }

    @Override
    public void refused(Map<String, Object> event, Map<String, Object> alert) {
      rules.refused(event, alert);
    }

    @Override
    public Map<String, Long> suppressedAlerts() {
      return rules.suppressedAlerts();
    }

    @Override
    public Map<String, Long> noiseControlEvictions() {
      return rules.noiseControlEvictions();
    }
  }

  /** Stamps each alert line as the stdout sink writes it. */
  private final class AlertClock extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      Instant now = Instant.now();
      long nanos = System.nanoTime();
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.contains("\"bench_marker_exec\"")) {
        try {
          Map<?, ?> process = (Map<?, ?>) JSON.readValue(text, Map.class).get("process");
          Matcher m = MARKER.matcher(String.valueOf(process.get("cmdline")));
          if (m.find()) {
            int i = Integer.parseInt(m.group(1));
            alertTimes.putIfAbsent(i, now);
            alertNanos.putIfAbsent(
                i, new long[] {nanos, ((Number) process.get("pid")).longValue()});
          }
        } catch (IOException | RuntimeException e) {
          // not a record of ours
        }
      }
    }
  }

  private void latency(int execs) throws Exception {
    // Each round: the container's clock (adjtimex: microseconds) just before the exec, then the
    // exec of a marker shell that lives 20 ms (long enough to be read, as most programs are; two
    // commands, so the shell does not replace itself, and its command line, with the last one).
    String loop =
        "i=0; while [ $i -lt "
            + execs
            + " ]; do echo \"T $i\"; /bin/busybox adjtimex | /bin/busybox grep"
            + " time.tv_; /bin/busybox sh -c '/bin/busybox usleep 20000; :' dwlat$i; i=$((i+1)); done";
    ExecClock kernel = ExecClock.start(dir.resolve("bpftrace.txt"));
    String id;
    try {
      id =
          BenchDocker.docker(
              "run",
              "-d",
              "--label",
              label,
              "--network=none",
              IMAGE,
              "sh",
              "-c",
              "sleep 2; " + loop);
      BenchDocker.docker("wait", id);
      awaitCount(() -> alertTimes.size(), execs, Duration.ofSeconds(30));
    } finally {
      kernel.stop();
    }
    Map<Integer, Instant> execTimes = execTimes(BenchDocker.docker("logs", id));
    List<Double> latencies = new ArrayList<>();
    for (Map.Entry<Integer, Instant> e : execTimes.entrySet()) {
      Instant alerted = alertTimes.get(e.getKey());
      if (alerted != null) {
        latencies.add(Duration.between(e.getValue(), alerted).toNanos() / 1e6);
      }
    }
    latencies.sort(null);
    System.out.printf(
        "exec -> alert on stdout, %d execs, %d alerts matched:%n",
        execTimes.size(), latencies.size());
    System.out.printf(
        "  p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms%n",
        pct(latencies, 0.5),
        pct(latencies, 0.9),
        pct(latencies, 0.99),
        latencies.get(latencies.size() - 1),
        latencies.get(0));
    // The same alerts against the kernel's own clock of each exec (bpftrace, sched_process_exec),
    // split
    // at the rules: exec -> rules (sensor read, queues, enrichment, the event's journal append),
    // the
    // rules, rules -> line on the sink (noise control, ancestry, the alert's journal append, the
    // shipper).
    Map<Long, Long> execNanos = kernel.execs();
    List<Double> total = new ArrayList<>();
    List<Double> toRules = new ArrayList<>();
    List<Double> inRules = new ArrayList<>();
    List<Double> toSink = new ArrayList<>();
    for (Map.Entry<Integer, long[]> e : alertNanos.entrySet()) {
      Long exec = execNanos.get(e.getValue()[1]);
      long[] detect = detectNanos.get(e.getKey());
      if (exec == null || detect == null) {
        continue;
      }
      total.add((e.getValue()[0] - exec) / 1e6);
      toRules.add((detect[0] - exec) / 1e6);
      inRules.add((detect[1] - detect[0]) / 1e6);
      toSink.add((e.getValue()[0] - detect[1]) / 1e6);
    }
    if (total.isEmpty()) {
      System.out.println(
          "  (no kernel exec clock: bpftrace missing or it saw none of the markers)");
      return;
    }
    System.out.printf(
        "against the kernel's exec time (bpftrace sched_process_exec), %d alerts:%n", total.size());
    for (var part :
        List.of(
            Map.entry("exec -> line on the sink", total),
            Map.entry("exec -> rules", toRules),
            Map.entry("rules", inRules),
            Map.entry("rules -> line on the sink", toSink))) {
      List<Double> v = part.getValue();
      v.sort(null);
      System.out.printf(
          "  %-26s p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          part.getKey(), pct(v, 0.5), pct(v, 0.9), pct(v, 0.99), v.get(v.size() - 1));
    }
  }

  /** "T i" then "time.tv_sec: S" and "time.tv_usec: U" lines, per round. */
  static Map<Integer, Instant> execTimes(String logs) {
    Map<Integer, Instant> out = new TreeMap<>();
    int round = -1;
    long sec = -1;
    for (String line : logs.split("\n")) {
      String t = line.trim();
      if (t.startsWith("T ")) {
        round = Integer.parseInt(t.substring(2).trim());
      } else if (t.startsWith("time.tv_sec:")) {
        sec = Long.parseLong(t.substring(12).trim());
      } else if (t.startsWith("time.tv_usec:") && round >= 0 && sec >= 0) {
        out.put(round, Instant.ofEpochSecond(sec, Long.parseLong(t.substring(13).trim()) * 1000));
      }
    }
    return out;
  }

  private void storm(int execs) throws Exception {
    // A first storm warms the JIT up (a fresh JVM compiles CEL, Jackson, the journal for seconds);
    // the second one is measured. Under 20,000 execs the JIT was still busy in the measured storm.
    // -Ddockward.bench.warmup=N: a shorter warm-up, for before/after pairs on a loaded machine
    oneStorm(Integer.getInteger("dockward.bench.warmup", Math.max(20_000, execs / 2)), false);
    oneStorm(execs, true);
  }

  private void oneStorm(int execs, boolean report) throws Exception {
    String metricsBefore = metrics();
    String loop =
        "/bin/busybox adjtimex | /bin/busybox grep time.tv_; i=0; while [ $i -lt "
            + execs
            + " ]; do /bin/busybox true; i=$((i+1)); done; /bin/busybox adjtimex | /bin/busybox grep time.tv_";
    // the inventory must know the container (its label) before the storm starts
    String id =
        BenchDocker.docker(
            "run",
            "-d",
            "--label",
            label,
            "--label",
            "dockward.bench=storm",
            "--network=none",
            IMAGE,
            "sh",
            "-c",
            "sleep 2; " + loop);
    Map<String, ThreadUse> threadsBefore = threadUse();
    long journalBefore = agent.pipeline().stats().journalNanos();
    BenchDocker.docker("wait", id);
    // execs performed: the loop's, plus the sh, sleep and the two adjtimex | grep pairs
    int performed = execs + 6;
    awaitDrained(Duration.ofSeconds(20));
    Map<String, ThreadUse> threadsAfter = threadUse();
    long journalNanos = agent.pipeline().stats().journalNanos() - journalBefore;
    long received = execEventsOf(id);
    String logs = BenchDocker.docker("logs", id);
    BenchDocker.docker("rm", "-f", id);
    if (!report) {
      return;
    }
    List<Long> micros = new ArrayList<>();
    long sec = -1;
    for (String line : logs.split("\n")) {
      String t = line.trim();
      if (t.startsWith("time.tv_sec:")) {
        sec = Long.parseLong(t.substring(12).trim());
      } else if (t.startsWith("time.tv_usec:")) {
        micros.add(sec * 1_000_000 + Long.parseLong(t.substring(13).trim()));
      }
    }
    double seconds = (micros.get(micros.size() - 1) - micros.get(0)) / 1e6;
    double rate = execs / seconds;
    String metricsAfter = metrics();
    System.out.printf(
        "exec storm: %d execs in %.2f s (%.0f execs/s); exec events received for the container: %d"
            + " of %d performed%n",
        execs, seconds, rate, received, performed);
    for (String reason :
        List.of("overrun_drops", "queue_drops", "unattributed_drops", "vanished_at_exec")) {
      System.out.printf(
          "  netlink %s: %d%n",
          reason,
          counter(metricsAfter, "netlink", reason) - counter(metricsBefore, "netlink", reason));
    }
    if (audit) {
      for (String reason :
          List.of("kernel_lost_drops", "overrun_drops", "queue_drops", "unattributed_drops")) {
        System.out.printf(
            "  audit %s: %d%n",
            reason,
            counter(metricsAfter, "audit", reason) - counter(metricsBefore, "audit", reason));
      }
    }
    Map<String, ThreadUse> byGroup = new TreeMap<>();
    threadsAfter.forEach(
        (name, after) ->
            byGroup.merge(
                group(name),
                after.minus(threadsBefore.getOrDefault(name, ThreadUse.NONE)),
                ThreadUse::plus));
    double cpuSeconds = byGroup.values().stream().mapToLong(ThreadUse::cpuNanos).sum() / 1e9;
    System.out.printf(
        "  JVM CPU over the storm and its drain (warm): %.2f s = %.0f%% of one core over the storm,"
            + " %.1f%% of one core per 1k execs/s%n",
        cpuSeconds, 100 * cpuSeconds / seconds, 100 * cpuSeconds / seconds / (rate / 1000));
    byGroup.forEach(
        (g, use) ->
            System.out.printf(
                "    %-28s %.2f s  (%.0f µs and %.2f context switches per exec)%n",
                g,
                use.cpuNanos() / 1e9,
                use.cpuNanos() / 1e3 / execs,
                use.switches() / (double) execs));
    // The three parts: the sensor (netlink and audit threads), the pipeline without the
    // journal, the journal (appends timed on the pipeline thread: wall time, which is CPU time
    // unless the thread was preempted meanwhile; on a loaded machine an upper bound).
    long sensor =
        byGroup.entrySet().stream()
            .filter(
                e -> e.getKey().startsWith("dockward-nl-") || e.getKey().startsWith("dockward-au-"))
            .mapToLong(e -> e.getValue().cpuNanos())
            .sum();
    // Linux keeps 15 characters of a thread's name: "dockward-pipeline" reads "dockward-pipeli".
    long pipeline =
        byGroup.entrySet().stream()
            .filter(e -> e.getKey().startsWith("dockward-pipeli"))
            .mapToLong(e -> e.getValue().cpuNanos())
            .sum();
    double perK = seconds * (rate / 1000);
    System.out.printf(
        "  per 1k execs/s, %% of one core: sensor %.1f %%, pipeline without the journal %.1f %%,"
            + " journal %.1f %%; these three %.1f %%%n",
        100 * sensor / 1e9 / perK,
        100 * (pipeline - journalNanos) / 1e9 / perK,
        100 * journalNanos / 1e9 / perK,
        100 * (sensor + pipeline) / 1e9 / perK);
  }

  /** Thread names grouped: the agent's own threads by name, the JVM's by kind. */
  private static String group(String name) {
    if (name.startsWith("C1 ") || name.startsWith("C2 ")) {
      return "JIT compiler";
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return "garbage collector";
    }
    if (name.startsWith("dockward-")) {
      return name;
    }
    return "other (bench, HTTP, JVM)";
  }

  /** A thread's CPU time and context switches (voluntary and not: wake-ups and preemptions). */
  private record ThreadUse(long cpuNanos, long switches) {
    static final ThreadUse NONE = new ThreadUse(0, 0);

    ThreadUse plus(ThreadUse o) {
      return new ThreadUse(cpuNanos + o.cpuNanos, switches + o.switches);
    }

    ThreadUse minus(ThreadUse o) {
      return new ThreadUse(cpuNanos - o.cpuNanos, switches - o.switches);
    }
  }

  /**
   * What each thread of this JVM (the agent runs in it) has used, by thread name, from
   * /proc/self/task.
   */
  private static Map<String, ThreadUse> threadUse() throws IOException {
    Map<String, ThreadUse> out = new HashMap<>();
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long cpuNanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
          long switches = 0;
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")
                || line.startsWith("nonvoluntary_ctxt_switches:")) {
              switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          out.merge(name, new ThreadUse(cpuNanos, switches), ThreadUse::plus);
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      }
    }
    return out;
  }

  private static double pct(List<Double> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private long counter(String metrics, String source, String reason) {
    Matcher m =
        Pattern.compile(
                "dockward_degradations_total\\{reason=\""
                    + reason
                    + "\",source=\""
                    + source
                    + "\"} (\\S+)")
            .matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * Waits until the pipeline has taken no event for half a second: the storm's events are all in.
   */
  private void awaitDrained(Duration max) {
    long end = System.nanoTime() + max.toNanos();
    long seen = -1;
    while (System.nanoTime() < end) {
      long now = agent.pipeline().stats().events();
      if (now == seen) {
        return;
      }
      seen = now;
      LockSupport.parkNanos(500_000_000L);
    }
  }

  /**
   * Exec events journalled for the container, counted from the journal after the CPU was read: the
   * storm makes no alert per exec, as a real one would not.
   */
  private long execEventsOf(String containerId) throws IOException {
    long n = 0;
    Map<String, Long> bySource = new TreeMap<>();
    // the events of each pid, to find an exec reported twice (same pid, program and arguments)
    Map<Object, List<String>> byPid = new HashMap<>();
    List<String> notTheLoops = new ArrayList<>(); // the execs other than the loop's `true`
    try (ChronicleJournal journal = ChronicleJournal.openForReading(dir.resolve("journal"));
        JournalCursor cursor = journal.fromStart()) {
      for (Optional<JournalRecord> r = cursor.next(); r.isPresent(); r = cursor.next()) {
        String json = r.get().json();
        if (json.contains(containerId) && json.contains("\"type\":\"exec\"")) {
          Map<?, ?> record = JSON.readValue(json, Map.class);
          if ("event".equals(record.get("kind"))
              && "exec".equals(record.get("type"))
              && record.get("container") instanceof Map<?, ?> c
              && containerId.equals(c.get("id"))) {
            n++;
            bySource.merge(String.valueOf(record.get("source")), 1L, Long::sum);
            if (record.get("process") instanceof Map<?, ?> p) {
              String line =
                  record.get("time")
                      + " "
                      + record.get("source")
                      + " pid="
                      + p.get("pid")
                      + " start="
                      + p.get("start_time")
                      + " ppid="
                      + p.get("ppid")
                      + " exe="
                      + p.get("exe")
                      + " cmdline="
                      + p.get("cmdline");
              byPid.computeIfAbsent(p.get("pid"), k -> new ArrayList<>()).add(line);
              if (!"/bin/busybox true".equals(p.get("cmdline"))) {
                notTheLoops.add(line);
              }
            }
          }
        }
      }
    }
    List<List<String>> repeated = byPid.values().stream().filter(l -> l.size() > 1).toList();
    System.out.printf(
        "  exec events for the container by source: %s; pids with more than one: %d%n",
        bySource, repeated.size());
    repeated.stream()
        .limit(8)
        .forEach(l -> System.out.println("    " + String.join("\n    ", l) + "\n"));
    System.out.printf("  exec events other than the loop's (%d):%n", notTheLoops.size());
    notTheLoops.stream()
        .limit(12)
        .forEach(l -> System.out.println("    " + l.substring(0, Math.min(l.length(), 160))));
    return n;
  }

  private static void awaitCount(LongSupplier count, long want, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (count.getAsLong() < want && System.nanoTime() < end) {
      LockSupport.parkNanos(50_000_000L);
    }
  }

  private void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    BenchDocker.removeLabelled(label);
    if (dir != null) {
      ReplayBench.delete(dir);
    }
  }
}

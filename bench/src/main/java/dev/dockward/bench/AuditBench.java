package dev.dockward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.audit.AuditExecSource;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.rules.RuleEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit exec source on the real kernel: completeness of a storm of one-shot execs in a
 * container (netlink alone, netlink with the exec file watch, then audit, each next to bpftrace's
 * view of the same execs), and the cost of our one audit rule to every task on the host (a spawn
 * loop and an open/read/close loop, with and without the audit source, in interleaved rounds).
 */
final class AuditBench {
  private static final String IMAGE = "dockward/busybox:test";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MARK = Pattern.compile("^/bin/busybox true (dw[a-z]+)(\\d+)$");
  private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

  private AuditBench() {}

  /**
   * Netlink alone, with exec files, then with audit: {@code execs} one-shot processes each,
   * bpftrace watching all.
   */
  static void storm(int execs) throws Exception {
    Path dir = Files.createTempDirectory("dockward-audit-bench");
    boolean mounted = mountTracefs();
    Path traceOut = dir.resolve("bpftrace.txt");
    Process bpftrace =
        new ProcessBuilder(
                "bpftrace",
                "-e",
                "tracepoint:syscalls:sys_enter_execve { printf(\"%d \", pid); join(args->argv); }")
            .redirectErrorStream(true)
            .redirectOutput(traceOut.toFile())
            .start();
    try {
      awaitFile(traceOut, "Attaching");
      for (Mode mode : Mode.values()) {
        String mark = mode.mark;
        Counts counts = new Counts(mark);
        Agent agent = startAgent(dir.resolve(mark), mode, counts);
        try {
          String id =
              BenchDocker.docker(
                  "run",
                  "-d",
                  "--label",
                  "dockward.bench.run=" + UUID.randomUUID(),
                  "--network=none",
                  IMAGE,
                  "sh",
                  "-c",
                  "sleep 2; i=0; while [ $i -lt "
                      + execs
                      + " ]; do /bin/busybox true "
                      + mark
                      + "$i; i=$((i+1)); done");
          long started = System.nanoTime();
          BenchDocker.docker("wait", id);
          double seconds = (System.nanoTime() - started) / 1e9 - 2;
          awaitQuiet(counts);
          BenchDocker.docker("rm", "-f", id);
          long traced = traced(traceOut, mark);
          System.out.printf(
              "%s: %d one-shot execs in ~%.1f s (~%.0f/s)%n",
              mode.title, execs, seconds, execs / seconds);
          System.out.printf(
              "  bpftrace sys_enter_execve with arguments: %d of %d (%.1f %%)%n",
              traced, execs, 100.0 * traced / execs);
          System.out.printf(
              "  exec events with exe and full argv: %d (%.1f %%), of them in the container: %d;"
                  + " exec events in all: %d (by source: %s)%n",
              counts.whole.size(),
              100.0 * counts.whole.size() / execs,
              counts.inContainer(id),
              counts.events.sum(),
              counts.bySource);
          System.out.printf(
              "  processes of the storm's container with an exec event of its command line or of none"
                  + " (gone before it was read): %d; of them with exe /bin/busybox: %d (%.1f %% of the storm);"
                  + " events by source/exe source: %s%n",
              counts.storm(id),
              counts.withExe(id),
              100.0 * counts.withExe(id) / execs,
              counts.exeSources(id));
        } finally {
          agent.close();
        }
      }
    } finally {
      bpftrace.destroy();
      bpftrace.waitFor(10, TimeUnit.SECONDS);
      if (mounted) {
        run("umount", TRACEFS.toString());
      }
      ReplayBench.delete(dir);
    }
  }

  /** The agent's settings for one storm. */
  private enum Mode {
    NETLINK("dwnetlink", "netlink alone", false, false),
    EXEC_FILES("dwexecfile", "netlink + exec files", true, false),
    AUDIT("dwaudit", "netlink + audit", true, true);

    final String mark;
    final String title;
    final boolean execFiles;
    final boolean audit;

    Mode(String mark, String title, boolean execFiles, boolean audit) {
      this.mark = mark;
      this.title = title;
      this.execFiles = execFiles;
      this.audit = audit;
    }
  }

  /** One exec event that may be the storm's: its container, exe and where the exe came from. */
  private record Exec(String container, String source, long pid, String exe, String exeSource) {}

  /** Exec events of the storm, as the stdout sink writes them. */
  private static final class Counts extends OutputStream {
    final String mark;
    final Set<Integer> whole = ConcurrentHashMap.newKeySet();
    final Map<Integer, String> containerOf = new ConcurrentHashMap<>();
    final Map<String, Long> bySource = new ConcurrentHashMap<>();

    /** Exec events with the storm's command line, or with none (gone before it was read). */
    final List<Exec> candidates = new CopyOnWriteArrayList<>();

    final LongAdder events = new LongAdder();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Counts(String mark) {
      this.mark = mark;
    }

    long inContainer(String id) {
      return containerOf.values().stream().filter(id::equals).count();
    }

    /** Distinct processes (pids) among the candidates of the container. */
    long storm(String id) {
      return candidates.stream()
          .filter(e -> e.container().equals(id))
          .mapToLong(Exec::pid)
          .distinct()
          .count();
    }

    /** Distinct processes of the container reported at least once with exe /bin/busybox. */
    long withExe(String id) {
      return candidates.stream()
          .filter(e -> e.container().equals(id) && e.exe().equals("/bin/busybox"))
          .mapToLong(Exec::pid)
          .distinct()
          .count();
    }

    /** The candidates' events by source and where their exe came from ("none": no exe). */
    Map<String, Long> exeSources(String id) {
      Map<String, Long> out = new TreeMap<>();
      candidates.stream()
          .filter(e -> e.container().equals(id))
          .forEach(
              e ->
                  out.merge(
                      e.source()
                          + "/"
                          + (e.exeSource().isEmpty()
                              ? (e.exe().isEmpty() ? "none" : "unsaid")
                              : e.exeSource()),
                      1L,
                      Long::sum));
      return out;
    }

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (!(text.contains(mark) || text.contains("\"cmdline\":\"\""))
          || !text.contains("\"type\":\"exec\"")) {
        return;
      }
      try {
        Map<?, ?> r = JSON.readValue(text, Map.class);
        Map<?, ?> p = (Map<?, ?>) r.get("process");
        String cmdline = String.valueOf(p.get("cmdline"));
        Matcher m = MARK.matcher(cmdline);
        boolean ours = m.matches() && m.group(1).equals(mark);
        if ((ours || cmdline.isEmpty()) && r.get("container") instanceof Map<?, ?> cm) {
          candidates.add(
              new Exec(
                  String.valueOf(cm.get("id")),
                  String.valueOf(r.get("source")),
                  ((Number) p.get("pid")).longValue(),
                  String.valueOf(p.get("exe")),
                  p.get("exe_source") == null ? "" : String.valueOf(p.get("exe_source"))));
        }
        if (!ours) {
          return;
        }
        events.increment();
        bySource.merge(String.valueOf(r.get("source")), 1L, Long::sum);
        if ("/bin/busybox".equals(p.get("exe"))) {
          int i = Integer.parseInt(m.group(2));
          whole.add(i);
          Object c = r.get("container");
          if (c instanceof Map<?, ?> cm) {
            containerOf.put(i, String.valueOf(cm.get("id")));
          }
        }
      } catch (IOException | RuntimeException e) {
        // not one of ours
      }
    }
  }

  /**
   * The agent as the storm runs it: the Docker source on (the exec file watch marks the containers
   * the inventory knows), the /proc rescan every second, no host watch, no cgroup sampler.
   */
  private static Agent startAgent(Path dir, Mode mode, Counts out) throws Exception {
    AgentConfig config =
        AgentConfig.DEFAULT
            .withJournal(
                new AgentConfig.Journal(
                    dir.resolve("journal").toString(), AgentConfig.RollCycle.HOURLY))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(true, Duration.ofSeconds(1)),
                    new AgentConfig.Docker(true, null, null),
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true, mode.execFiles),
                    null,
                    new AgentConfig.HostWatch(false, null, null),
                    new AgentConfig.Audit(mode.audit)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null))
            .withMetrics(new AgentConfig.Metrics(false, "127.0.0.1", 0))
            .withPosture(new AgentConfig.Posture(false, null));
    RuleDetector detector =
        new RuleDetector(
            new RuleEngine(
                RuleSetLoading.load(true, List.of(), new PrintWriter(System.err, true)).ruleSet()));
    return Agent.start(config, detector, new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  /** Waits until the stdout sink has been quiet about the storm for 3 s (at most 60 s). */
  private static void awaitQuiet(Counts counts) {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < end) {
      long now = counts.events.sum();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** Distinct storm indices bpftrace saw executed with their arguments. */
  private static long traced(Path out, String mark) throws IOException {
    Pattern p = Pattern.compile("^\\d+ /bin/busybox true " + mark + "(\\d+)$");
    return Files.readAllLines(out, StandardCharsets.ISO_8859_1).stream()
        .map(p::matcher)
        .filter(Matcher::matches)
        .map(m -> m.group(1))
        .distinct()
        .count();
  }

  /** Mounts tracefs for bpftrace unless it is there; true when this mounted it. */
  private static boolean mountTracefs() throws Exception {
    if (Files.exists(TRACEFS.resolve("events"))) {
      return false;
    }
    run("mount", "-t", "tracefs", "nodev", TRACEFS.toString());
    return true;
  }

  private static void awaitFile(Path file, String text) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(file)
          && Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    throw new IllegalStateException("bpftrace did not attach: " + Files.readString(file));
  }

  /**
   * {@code rounds} rounds, each: the spawn loop and the open/read/close loop without the audit
   * source, then the same with it (its rule in place, its reader running, events discarded).
   */
  static void cost(int rounds, Path loop, int spawns, int opens) throws Exception {
    List<double[]> results = new ArrayList<>();
    ProcReader reader = new ProcReader(HostFs.system());
    for (int round = 1; round <= rounds; round++) {
      double[] r = new double[4];
      r[0] = loop(loop, "spawn", spawns);
      r[1] = loop(loop, "openread", opens);
      LongAdder events = new LongAdder();
      try (AuditExecSource source =
          AuditExecSource.open(reader, AuditExecSource.Settings.DEFAULT, new AtomicBoolean(), "")) {
        source.start(e -> events.increment());
        r[2] = loop(loop, "spawn", spawns);
        r[3] = loop(loop, "openread", opens);
        System.out.printf(
            "round %d: spawn %.1f -> %.1f us, open/read/close/getppid %.0f -> %.0f ns"
                + " (audit source: %s, %d exec events)%n",
            round, r[0] / 1000, r[2] / 1000, r[1], r[3], source.mode(), events.sum());
      }
      results.add(r);
    }
    System.out.printf(
        "median: spawn %.1f us without, %.1f us with (%+.1f %%); open/read/close/getppid %.0f ns without,"
            + " %.0f ns with (%+.1f %%)%n",
        median(results, 0) / 1000,
        median(results, 2) / 1000,
        100 * (median(results, 2) / median(results, 0) - 1),
        median(results, 1),
        median(results, 3),
        100 * (median(results, 3) / median(results, 1) - 1));
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double loop(Path program, String mode, int n) throws Exception {
    Process p =
        new ProcessBuilder(program.toString(), mode, Integer.toString(n))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(program + " " + mode + " failed: " + out);
    }
    return Double.parseDouble(out);
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }
  }
}

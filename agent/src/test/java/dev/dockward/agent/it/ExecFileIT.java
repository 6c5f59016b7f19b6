package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-shot processes in a real container arrive with the file their exec opened ({@code
 * process.exec_file}, recorded by the {@code exec_files} fanotify watch) and their container, and
 * with an exe even when they were gone before the agent read them: a storm of one-shot busybox
 * execs, and a binary dropped in /tmp and run once. The /proc scan is off: every exec event here
 * comes from netlink.
 */
@Tag("integration")
class ExecFileIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int STORM = 200;
  private static final int EARLY = 20;
  private static final int CONTAINERS = 10;

  @RegisterExtension final AgentUnderTest agent = new AgentUnderTest();

  @TempDir Path journal;

  @Test
  void oneShotExecsInAContainerCarryTheFileTheirExecOpened() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journal)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    agent.start(config, Records.bundledRules());
    DockerCli docker = agent.docker();
    String name = DockerCli.uniqueName("h-execid");
    String id = docker.runDetached(name, List.of("--network=none"), "sleep", "300");
    Instant started = Instant.now();
    long initPid = docker.initPid(id);
    Map<String, Object> busybox =
        Files.readAttributes(Path.of("/proc/" + initPid + "/root/bin/busybox"), "unix:dev,ino");
    String busyboxDev = device((Long) busybox.get("dev"));
    long busyboxInode = (Long) busybox.get("ino");
    awaitWatched(docker, id);

    // A storm of one-shot processes, each a fork and an exec of /bin/busybox by the loop's shell.
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "i=0; while [ $i -lt "
            + STORM
            + " ]; do /bin/busybox true dwstorm$i; "
            + "i=$((i+1)); done");
    Map<String, Object> loop =
        awaitOne(
            e ->
                String.valueOf(process(e).get("cmdline")).startsWith("sh -c i=0;")
                    && id.equals(containerId(e)),
            "the storm's shell");
    long loopPid = ((Number) process(loop).get("pid")).longValue();
    List<Map<String, Object>> storm =
        awaitExecs(
            e -> ((Number) process(e).get("ppid")).longValue() == loopPid,
            STORM,
            "the storm's execs");
    for (Map<String, Object> e : storm) {
      Map<String, Object> p = process(e);
      assertEquals(id, containerId(e), e.toString());
      assertEquals("/bin/busybox", p.get("exe"), "every one-shot exec has its exe: " + e);
      Map<String, Object> file = map(p.get("exec_file"));
      assertEquals("/bin/busybox", file.get("path"), e.toString());
      assertEquals(busyboxDev, file.get("dev"), e.toString());
      assertEquals(busyboxInode, ((Number) file.get("inode")).longValue(), e.toString());
    }
    Map<Object, Long> sources =
        storm.stream()
            .collect(
                Collectors.groupingBy(e -> process(e).get("exe_source"), Collectors.counting()));
    System.err.println(
        "storm of "
            + STORM
            + " one-shot execs, exe by source: "
            + sources
            + "; with the full command "
            + "line: "
            + storm.stream()
                .filter(
                    e ->
                        String.valueOf(process(e).get("cmdline"))
                            .startsWith("/bin/busybox " + "true dwstorm"))
                .count());
    assertEquals(
        Set.of(),
        Set.copyOf(
            storm.stream()
                .map(e -> process(e).get("exe_source"))
                .filter(s -> !"proc".equals(s) && !"exec_file".equals(s))
                .toList()),
        "every exe's source is said");

    // A binary dropped in /tmp and run once: its own file, changed after the container started.
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "cp /bin/busybox /tmp/dwdropped"); // cp is the shell's applet: no exec
    docker.docker(
        "exec", id, "sh", "-c", "/tmp/dwdropped; true"); // "applet not found": it ran, and ended
    Map<String, Object> dropped =
        awaitOne(
            e -> "/tmp/dwdropped".equals(execFile(e).get("path")), "the dropped binary's exec");
    Map<String, Object> p = process(dropped);
    System.err.println("dropped binary: " + dropped);
    assertEquals(id, containerId(dropped));
    assertEquals(name, map(dropped.get("container")).get("name"));
    assertEquals("/tmp/dwdropped", p.get("exe"));
    assertEquals("dwdropped", p.get("program"));
    Map<String, Object> file = map(p.get("exec_file"));
    assertEquals(busyboxDev, file.get("dev"), "the container's file system");
    assertTrue(
        ((Number) file.get("inode")).longValue() != busyboxInode,
        "a copy is a file of its own: " + file);
    assertTrue(
        !Instant.parse(String.valueOf(file.get("ctime"))).isBefore(started.minusSeconds(2)),
        "written after the container started: " + file);
  }

  /**
   * Containers started after the agent, each running {@value #EARLY} one-shot execs as soon as its
   * shell starts (a few tens of milliseconds in all), then sleeping 3 s: their mounts are marked on
   * Docker's start event (counted: {@code marks_by_event}, and no {@code missed_starts}), so some
   * of those first execs carry their exec file. How many is counted and printed (it depends on how
   * fast the daemon reports and inspects the start); only that any does is asserted. The
   * container's own first exec, its shell, happens before Docker reports the start: printed too.
   */
  @Test
  void theFirstExecsOfAContainerStartedAfterTheAgentCarryTheirExecFile() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journal)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    Agent running = agent.start(config, Records.bundledRules());
    DockerCli docker = agent.docker();
    String ready =
        docker.runDetached(
            DockerCli.uniqueName("h-execfile-ready"), List.of("--network=none"), "sleep", "300");
    awaitWatched(docker, ready); // the agent follows Docker and the watch runs
    long byEventBefore = metric(running, "marks_by_event");
    // Then it stays a while, so that its start is surely heard while it runs: the marks are
    // counted.
    String script =
        IntStream.range(0, EARLY)
                .mapToObj(i -> "/bin/busybox true dwearly" + i)
                .collect(Collectors.joining("; "))
            + "; sleep 3";
    List<String> ids = new ArrayList<>();
    for (int run = 0; run < CONTAINERS; run++) {
      String id =
          docker.runDetached(
              DockerCli.uniqueName("h-execfile-early"),
              List.of("--network=none"),
              "sh",
              "-c",
              script);
      ids.add(id);
    }
    int early = 0;
    int withFile = 0;
    long entrypoints = 0;
    List<Integer> perContainer = new ArrayList<>();
    for (String id : ids) {
      Map<String, Object> start =
          awaitRecord(
              r -> "container_start".equals(r.get("type")) && id.equals(containerId(r)),
              "the start of " + id);
      long initPid = ((Number) map(start.get("container")).get("init_pid")).longValue();
      awaitRecord(
          r -> "container_stop".equals(r.get("type")) && id.equals(containerId(r)),
          "the stop of " + id);
      // Its execs were reported before its stop, save a rare one the agent could not attribute.
      List<Map<String, Object>> execs =
          execs(
              e ->
                  id.equals(containerId(e))
                      && ((Number) process(e).get("ppid")).longValue() == initPid);
      if (execs.size() != EARLY) {
        System.err.println(
            "of "
                + EARLY
                + " early execs of "
                + id
                + " (init "
                + initPid
                + "), "
                + execs.size()
                + " reported with it");
      }
      assertTrue(execs.size() <= EARLY, "one exec event each: " + execs);
      entrypoints +=
          execs(
                  e ->
                      id.equals(containerId(e))
                          && ((Number) process(e).get("pid")).longValue() == initPid)
              .stream()
              .limit(1)
              .filter(e -> process(e).containsKey("exec_file"))
              .count();
      int n = (int) execs.stream().filter(e -> process(e).containsKey("exec_file")).count();
      for (Map<String, Object> e : execs) {
        if (process(e).containsKey("exec_file")) {
          assertEquals("/bin/busybox", execFile(e).get("path"), e.toString());
        }
      }
      early += execs.size();
      withFile += n;
      perContainer.add(n);
    }
    System.err.printf(
        "early execs with their exec file: %d of %d (%.1f %%); per container of %d: %s; entrypoints "
            + "(exec'd before Docker reports the start) with theirs: %d of %d%n",
        withFile, early, 100.0 * withFile / early, EARLY, perContainer, entrypoints, CONTAINERS);
    long byEvent = metric(running, "marks_by_event") - byEventBefore;
    long missed = metric(running, "missed_starts");
    System.err.printf(
        "mount marks made on start events: %d; containers found by the reconciliation pass alone: %d%n",
        byEvent, missed);
    assertTrue(
        byEvent >= CONTAINERS, "each container's mounts marked on its start event: " + byEvent);
    assertEquals(0, missed, "no start missed");
    assertTrue(
        withFile > 0,
        "no early exec of "
            + CONTAINERS
            + " containers started after the agent had its exec "
            + "file: "
            + perContainer);
  }

  /**
   * With the Docker daemon unreachable (the agent pointed at a socket nobody serves), a running
   * container is found in /proc by the reconciliation pass the loss of Docker asks for: its execs
   * carry their exec file, the marks are counted as the pass's, none as a start event's.
   */
  @Test
  void withoutDockerARunningContainerIsFoundInProcAndItsExecsCarryTheirFile() throws Exception {
    DockerCli docker = agent.docker();
    String id =
        docker.runDetached(
            DockerCli.uniqueName("h-execfile-nodocker"), List.of("--network=none"), "sleep", "300");
    AgentConfig config =
        AgentUnderTest.config(journal)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    new AgentConfig.Docker(
                        true, "unix://" + journal.resolve("nobody.sock"), Duration.ofSeconds(1)),
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    Agent running = agent.start(config, Records.bundledRules());
    awaitWatched(docker, id);
    long fromProc = metric(running, "reconciles_from_proc");
    long byReconcile = metric(running, "marks_by_reconcile");
    long byEvent = metric(running, "marks_by_event");
    System.err.printf(
        "without Docker: %d passes from /proc, %d marks by them, %d by start events%n",
        fromProc, byReconcile, byEvent);
    assertTrue(fromProc >= 1, "a pass from /proc");
    assertTrue(byReconcile >= 1, "the container's mounts marked by it");
    assertEquals(0, byEvent, "no start event without Docker");
  }

  /**
   * Runs one-shot execs until one of them arrives with its exec file: the container's mounts are
   * marked then.
   */
  private void awaitWatched(DockerCli docker, String id) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    for (int i = 0; ; i++) {
      String mark = "dwwarm" + i;
      docker.docker("exec", id, "/bin/busybox", "true", mark);
      long round = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < round) {
        if (!execs(e -> id.equals(containerId(e)) && process(e).containsKey("exec_file"))
            .isEmpty()) {
          System.err.println("watched after " + (i + 1) + " one-shot execs");
          return;
        }
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "no exec in " + id + " arrived with its exec file within " + DEADLINE);
      }
    }
  }

  private Map<String, Object> awaitOne(Predicate<Map<String, Object>> which, String what) {
    return awaitExecs(which, 1, what).get(0);
  }

  /** Waits for {@code n} exec events that match, and no more. */
  private List<Map<String, Object>> awaitExecs(
      Predicate<Map<String, Object>> which, int n, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    List<Map<String, Object>> found = execs(which);
    while (found.size() < n) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            what + ": " + found.size() + " of " + n + " exec events within " + DEADLINE);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      found = execs(which);
    }
    assertEquals(n, found.size(), what + ": one exec event each");
    return found;
  }

  /** The exec file watch's counter {@code reason} on the agent's metrics endpoint. */
  private static long metric(Agent running, String reason) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + running.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    String series = "dockward_degradations_total{";
    return response
        .body()
        .lines()
        .filter(
            l ->
                l.startsWith(series)
                    && l.contains("source=\"exec_files\"")
                    && l.contains("reason=\"" + reason + "\""))
        .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " not in the metrics"));
  }

  private Map<String, Object> awaitRecord(Predicate<Map<String, Object>> which, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Optional<Map<String, Object>> found =
          agent.stdout().lines().stream()
              .map(Records::parse)
              .filter(r -> "event".equals(r.get("kind")))
              .filter(which)
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(what + ": no record within " + DEADLINE);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  private List<Map<String, Object>> execs(Predicate<Map<String, Object>> which) {
    return agent.stdout().lines().stream()
        .map(Records::parse)
        .filter(r -> "event".equals(r.get("kind")) && "exec".equals(r.get("type")))
        .filter(which)
        .toList();
  }

  private static Map<String, Object> process(Map<String, Object> record) {
    return map(record.get("process"));
  }

  private static Map<String, Object> execFile(Map<String, Object> record) {
    Object file = process(record).get("exec_file");
    return file == null ? Map.of() : map(file);
  }

  private static String containerId(Map<String, Object> record) {
    Object container = record.get("container");
    return container == null ? "" : String.valueOf(map(container).get("id"));
  }

  /** {@code major:minor} of a {@code unix:dev} value (glibc's encoding). */
  private static String device(long dev) {
    return (((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL))
        + ":"
        + ((dev & 0xffL) | ((dev >>> 12) & ~0xffL));
  }
}

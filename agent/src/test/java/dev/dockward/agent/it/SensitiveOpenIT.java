package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.agent.schema.RecordSchema;
import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.rules.RuleEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Credentials files opened in real containers by one-shot processes, each raising {@code
 * sensitive_file_read_in_container} from the open itself (the {@code sensitive_opens} fanotify
 * watch): cat, dd, a renamed copy of cat, a shell's redirection, and the host's shadow file through
 * a bind mount of /etc. Reads of other files and a container's start raise nothing. The /proc scan
 * is off, and no process here lives long enough to be waited for.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SensitiveOpenIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String RULE = "sensitive_file_read_in_container";

  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private Agent agent;
  private Path journalDir;
  private ToolImage image;

  @BeforeAll
  void startAgent() throws Exception {
    journalDir = Files.createTempDirectory("dockward-open-it");
    // The image's own credentials files, with content of their own (not the host's).
    Path shadow =
        Files.writeString(
            journalDir.resolve("shadow"), "root:$6$dockward-it$:20000:0:99999:7:::\n");
    Path gshadow = Files.writeString(journalDir.resolve("gshadow"), "root:*::\n");
    // busybox, plus Debian's own cat (with its libraries) to copy under another name.
    image =
        ToolImage.build(
            "h-cred-readers",
            List.of("/usr/bin/cat"),
            Map.of(shadow, "/etc/shadow", gshadow, "/etc/gshadow"));
    // No dedupe: every read's alert is printed (the agent's default is one per rule and container
    // per minute).
    AgentConfig config =
        AgentConfig.DEFAULT
            .withAlerts(new AgentConfig.Alerts(Duration.ofSeconds(0), null))
            .withJournal(
                new AgentConfig.Journal(
                    journalDir.resolve("journal").toString(), AgentConfig.RollCycle.HOURLY))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null))
            .withMetrics(new AgentConfig.Metrics(false, "127.0.0.1", 0));
    var rules = RuleSetLoading.load(true, List.of(), new PrintWriter(System.err, true));
    assertEquals(List.of(), rules.problems());
    agent = Agent.start(config, new RuleDetector(new RuleEngine(rules.ruleSet())), stdout.stream());
  }

  @AfterEach
  void removeContainers() throws Exception {
    docker.removeAll();
  }

  @AfterAll
  void stopAgent() throws Exception {
    try {
      if (agent != null) {
        agent.close();
      }
      if (image != null) {
        image.remove();
      }
      new RecordSchema().assertAllValid(stdout.lines());
    } finally {
      try (Stream<Path> files = Files.walk(journalDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void everyOneShotReaderOfAShadowFileRaisesTheAlertNamingItsContainer() throws Exception {
    String name = DockerCli.uniqueName("h-cred-readers");
    String id =
        docker.runImage(
            name, List.of("--network=none", "-v", "/etc:/hostetc:ro"), image.tag(), "sleep", "300");
    awaitWatched(id);

    // Reads of other files, in the container and on the host through the bind: nothing.
    docker.docker("exec", id, "cat", "/etc/hostname", "/hostetc/hostname", "/hostetc/passwd");
    docker.docker("exec", id, "busybox", "dd", "if=/etc/hosts", "of=/dev/null");

    int seen = 0;
    docker.docker("exec", id, "cat", "/etc/shadow");
    assertShadowOpen(id, name, ++seen, "/etc/shadow", "");
    docker.docker("exec", id, "busybox", "dd", "if=/etc/shadow", "of=/dev/null");
    assertShadowOpen(id, name, ++seen, "/etc/shadow", "");
    docker.docker("exec", id, "cp", "/usr/bin/cat", "/tmp/kitty");
    docker.docker("exec", id, "/tmp/kitty", "/etc/shadow");
    assertShadowOpen(id, name, ++seen, "/etc/shadow", "");
    docker.docker("exec", id, "sh", "-c", "read x < /etc/shadow");
    assertShadowOpen(id, name, ++seen, "/etc/shadow", "");
    docker.docker("exec", id, "cat", "/hostetc/shadow");
    assertShadowOpen(id, name, ++seen, "/hostetc/shadow", "/etc/shadow");

    // Everything the watch reported for this container so far: the warm-up's gshadow, then the five
    // reads, in order.
    List<String> paths =
        records(
                r ->
                    "event".equals(r.get("kind"))
                        && "file_open".equals(r.get("type"))
                        && id.equals(containerId(r)))
            .stream()
            .map(r -> String.valueOf(map(r.get("file_open")).get("path")))
            .toList();
    assertEquals(
        List.of("/etc/shadow", "/etc/shadow", "/etc/shadow", "/etc/shadow", "/hostetc/shadow"),
        paths.stream().filter(p -> !p.equals("/etc/gshadow")).toList(),
        "file_open events of " + name + ": " + paths);

    // Replaced as passwd does it (a new file renamed over the old one): the new inode is marked
    // too, within
    // seconds. cp's own read of the old file is the fifth open of /etc/shadow; the sixth needs the
    // new mark.
    docker.docker(
        "exec", id, "sh", "-c", "cp /etc/shadow /etc/shadow.new && mv /etc/shadow.new /etc/shadow");
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (records(
                r ->
                    "event".equals(r.get("kind"))
                        && "file_open".equals(r.get("type"))
                        && id.equals(containerId(r))
                        && "/etc/shadow".equals(map(r.get("file_open")).get("path")))
            .size()
        < 6) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "the replaced /etc/shadow of " + name + " was never watched within " + DEADLINE);
      }
      docker.docker("exec", id, "cat", "/etc/shadow");
      LockSupport.parkNanos(
          Duration.ofMillis(500).toNanos()); // paces the reads; the loop polls the records
    }
  }

  @Test
  void aContainersStartOpensNothingSensitive() throws Exception {
    String name = DockerCli.uniqueName("h-cred-start");
    String id =
        docker.runImage(
            name,
            List.of("--network=none", "-v", "/etc:/hostetc:ro"),
            image.tag(),
            "sh",
            "-c",
            "cat /etc/hostname /hostetc/hostname; exec sleep 300");
    awaitWatched(id);
    // Once the first alert (the warm-up's) is there, the start's reads were long before it in the
    // same watch.
    List<Map<String, Object>> opens =
        records(
            r ->
                "event".equals(r.get("kind"))
                    && "file_open".equals(r.get("type"))
                    && id.equals(containerId(r)));
    assertTrue(
        opens.stream().allMatch(r -> "/etc/gshadow".equals(map(r.get("file_open")).get("path"))),
        "only the warm-up's reads: " + opens);
  }

  /**
   * Reads the container's gshadow until the watch reports it: the container's copies are marked
   * once the agent's inventory has its init process. Every later open is then heard.
   */
  private void awaitWatched(String id) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      docker.docker("exec", id, "cat", "/etc/gshadow");
      try {
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return "alert".equals(r.get("kind"))
                  && RULE.equals(r.get("rule"))
                  && id.equals(containerId(r));
            },
            Duration.ofSeconds(1),
            "first alert of " + id);
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > end) {
          throw new AssertionError(
              "the watch never reported a read in " + id + " within " + DEADLINE, e);
        }
      }
    }
  }

  /** Waits for the {@code n}-th alert on a shadow file in the container, and checks it. */
  private void assertShadowOpen(String id, String name, int n, String path, String hostPath) {
    Predicate<Map<String, Object>> shadowAlert =
        r ->
            "alert".equals(r.get("kind"))
                && RULE.equals(r.get("rule"))
                && id.equals(containerId(r))
                && !"/etc/gshadow".equals(map(r.get("evidence")).get("path"));
    long end = System.nanoTime() + DEADLINE.toNanos();
    List<Map<String, Object>> alerts = records(shadowAlert);
    while (alerts.size() < n) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "alert " + n + " (" + path + ") not raised in " + name + "; alerts: " + alerts);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      alerts = records(shadowAlert);
    }
    assertEquals(n, alerts.size(), "one alert per read: " + alerts);
    Map<String, Object> alert = alerts.get(n - 1);
    System.err.println(RULE + ": " + alert);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(path, evidence.get("path"), alert.toString());
    assertEquals(hostPath, evidence.get("host_path"), alert.toString());
    assertEquals(
        "mount", evidence.get("attributed_by"), "the container is told by the mount: " + alert);
    assertEquals(name, map(alert.get("container")).get("name"), alert.toString());
    assertTrue(
        Set.copyOf((List<?>) alert.get("tags")).contains("mitre.T1003.008"), alert.toString());
  }

  private List<Map<String, Object>> records(Predicate<Map<String, Object>> which) {
    return stdout.lines().stream().map(Records::parse).filter(which).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }
}

package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A credentials file read in a real container by a name that climbs with {@code ../}, heard by the
 * audit source's read watches placed through the container's init root at its start: {@code cat
 * ../../../etc/shadow} from {@code /usr/bin} raises directory_traversal_read_in_container naming
 * the container and the name as passed; {@code cat /etc/shadow} gives a watched_file_open event and
 * no such alert. The container's watches go when it is removed, and every watch of ours when the
 * agent stops. Needs root and Debian's auditd package (auditctl); leaves the audit settings as
 * found. Run it under {@code flock /tmp/dockward-audit.lock} on a shared machine.
 */
@Tag("integration")
class AuditTraversalIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final String AUDITCTL = "/usr/sbin/auditctl";

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Map<String, String> found;
  private List<String> foundRules;

  @TempDir Path journalDir;

  @BeforeEach
  void readTheMachine() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(AUDITCTL)), "needs Debian's auditd package (auditctl)");
    found = status();
    foundRules = rules();
  }

  /** Every rule and watch of ours gone with the agent; when audit was unowned, all as found. */
  @AfterEach
  void leaveTheMachineAsFound() throws Exception {
    harness.stop();
    List<String> leftOver =
        rules().stream()
            .filter(r -> r.contains("key=dockward") && !foundRules.contains(r))
            .toList();
    for (String rule : leftOver) {
      auditctl(
          (rule.startsWith("-w ") ? "-W " + rule.substring(3) : "-d " + rule.substring(3))
              .split(" "));
    }
    Map<String, String> after = status();
    boolean alone = "0".equals(found.get("pid"));
    if (alone && !found.get("enabled").equals(after.get("enabled"))) {
      auditctl("-e", found.get("enabled"));
    }
    assertEquals(List.of(), leftOver, "our rules and watches deleted on stop");
    if (alone) {
      assertEquals(foundRules, rules(), "audit rules as found");
      for (String key : List.of("enabled", "pid", "backlog_limit")) {
        assertEquals(found.get(key), after.get(key), key + " as found");
      }
    }
  }

  @Test
  void aTraversingReadOfShadowRaisesTheRuleAndAPlainReadDoesNot() throws Exception {
    startAgent();
    List<String> hostWatches = ourWatches();
    assertTrue(
        hostWatches.stream().anyMatch(w -> w.contains("/etc/shadow ") && !w.contains("/proc/")),
        "the host's /etc/shadow is watched from the start: " + hostWatches);
    assertTrue(
        hostWatches.stream().noneMatch(w -> w.contains("/proc/")),
        "no container's watch before any container of this test: " + hostWatches);

    String a = start("h-traversal-dotdot");
    read(a, "../../../etc/shadow");
    Map<String, Object> alert = awaitAlert("directory_traversal_read_in_container", a);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("../../../etc/shadow", evidence.get("requested_path"));
    assertEquals("/usr/bin", evidence.get("cwd"));
    assertEquals("/etc/shadow", evidence.get("file"));
    assertEquals(a, map(alert.get("container")).get("id"));
    assertTrue(
        String.valueOf(alert.get("summary")).contains("../../../etc/shadow"), alert.toString());

    // The plain read is heard (its event), and raises nothing: the first alert of the rule in
    // this container is the traversing read made after it as a marker.
    String b = start("h-traversal-plain");
    read(b, "/etc/shadow");
    // (start() read the file by its absolute name from / too, through docker exec.)
    Map<String, Object> plain =
        map(
            awaitEvent(
                    b,
                    r ->
                        "/etc/shadow".equals(r.get("requested_path"))
                            && "/usr/bin".equals(r.get("cwd")))
                .get("watched_file_open"));
    assertEquals("/etc/shadow", plain.get("path"));
    read(b, "../../etc/shadow");
    evidence = map(awaitAlert("directory_traversal_read_in_container", b).get("evidence"));
    assertEquals(
        "../../etc/shadow", evidence.get("requested_path"), "the plain read raised nothing");

    // A removed container's watches go.
    long initB = initPid(b);
    System.err.println(
        "watches of container b: "
            + ourWatches().stream().filter(w -> w.contains("/proc/" + initB + "/")).toList());
    assertTrue(
        ourWatches().stream().anyMatch(w -> w.contains("/proc/" + initB + "/root/")),
        "container b watched through its init's root: " + ourWatches());
    docker.docker("rm", "-f", b);
    Await.until(
        () -> watchesQuietly().stream().noneMatch(w -> w.contains("/proc/" + initB + "/")),
        DEADLINE,
        () -> "container b's watches deleted: " + watchesQuietly());
    assertFalse(ourWatches().isEmpty(), "the host's and a's watches stay");
  }

  private void startAgent() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true),
                    null,
                    new AgentConfig.HostWatch(false, null, null),
                    new AgentConfig.Audit(true)))
            .withPosture(new AgentConfig.Posture(false, null, null, null, null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null,
                    null));
    harness.start(config, Records.bundledRules());
    System.err.println("audit as found: " + found + "; rules now: " + rules());
  }

  /**
   * A container that writes its own shadow file after its start (so the watch waits on the name)
   * and makes /usr/bin (the busybox image has none), then sleeps; returns once the file can be read
   * and the container's watch on it is in.
   */
  private String start(String base) throws Exception {
    String id =
        docker.runDetached(
            DockerCli.uniqueName(base),
            List.of("--network=none"),
            "/bin/sh",
            "-c",
            "mkdir -p /usr/bin; echo 'root:*:19000:0:99999:7:::' > /etc/shadow; exec /bin/sleep 600");
    long init = initPid(id);
    Await.until(
        () -> {
          try {
            return docker.docker("exec", id, "/bin/cat", "/etc/shadow").startsWith("root:")
                && watchesQuietly().stream()
                    .anyMatch(w -> w.contains("/proc/" + init + "/root/etc/shadow "));
          } catch (IOException | InterruptedException ex) {
            return false;
          }
        },
        DEADLINE,
        () -> "the shadow file of " + id + " and its watch: " + watchesQuietly());
    return id;
  }

  /**
   * {@code cat NAME} from {@code /usr/bin} in a shell of the container that stays a moment after
   * it, so that the reader's container is known from its parent.
   */
  private void read(String id, String name) throws Exception {
    docker.docker(
        "exec",
        "-w",
        "/usr/bin",
        id,
        "/bin/sh",
        "-c",
        "cat " + name + " > /dev/null; /bin/busybox sleep 2");
  }

  private long initPid(String id) throws Exception {
    return Long.parseLong(docker.docker("inspect", "-f", "{{.State.Pid}}", id).strip());
  }

  private Map<String, Object> awaitAlert(String rule, String id) {
    String line =
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return "alert".equals(r.get("kind"))
                  && rule.equals(r.get("rule"))
                  && id.equals(containerId(r));
            },
            DEADLINE,
            rule + " in container " + id);
    System.err.println(rule + ": " + line);
    return parse(line);
  }

  private Map<String, Object> awaitEvent(String id, Predicate<Map<String, Object>> open) {
    String line =
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return "event".equals(r.get("kind"))
                  && "watched_file_open".equals(r.get("type"))
                  && id.equals(containerId(r))
                  && open.test(map(r.get("watched_file_open")));
            },
            DEADLINE,
            "watched_file_open in container " + id);
    System.err.println("watched_file_open: " + line);
    return parse(line);
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  private static List<String> ourWatches() throws Exception {
    return rules().stream().filter(AuditTraversalIT::isOurWatch).toList();
  }

  /**
   * A watch of ours as auditctl lists it: {@code -w PATH -p r -k dockward} (or, were the rule
   * listed in its long form, {@code -a always,exit -S all -F path=PATH -F perm=r -F key=dockward}).
   */
  private static boolean isOurWatch(String r) {
    return (r.startsWith("-w ") && r.endsWith(" -k dockward"))
        || (r.contains(" path=") && r.contains("key=dockward"));
  }

  private static List<String> watchesQuietly() {
    try {
      return ourWatches();
    } catch (Exception e) {
      return List.of();
    }
  }

  /** {@code auditctl -s} as key → value. */
  private static Map<String, String> status() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : auditctl("-s").split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        out.put(line.substring(0, space), line.substring(space + 1).strip());
      }
    }
    return out;
  }

  /** {@code auditctl -l}, one rule a line; empty for none. */
  private static List<String> rules() throws Exception {
    String out = auditctl("-l");
    return out.equals("No rules") ? List.of() : List.of(out.split("\n"));
  }

  private static String auditctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(AUDITCTL));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
    return out;
  }

  /** A nested object, or empty when the record has none. */
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> ? Records.map(o) : Map.of();
  }
}

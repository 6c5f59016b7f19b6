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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec events from the Linux audit subsystem, end to end on the real kernel and dockerd: a storm of
 * one-shot processes in a container arrives whole (program, every argument, container), alone and
 * beside a real auditd with rules of its own; the audit settings are left as found. Needs root,
 * Debian's auditd package ({@code auditctl}, {@code auditd}) and no audit daemon running when it
 * starts.
 */
@Tag("integration")
class AuditExecIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int STORM = 500;
  private static final String AUDITCTL = "/usr/sbin/auditctl";
  private static final String AUDITD = "/usr/sbin/auditd";
  private static final Pattern MARK = Pattern.compile("^/bin/busybox true (dwmark[a-z])-(\\d+)$");

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private final List<Map<String, Object>> parsed = new ArrayList<>();

  /** The audit settings and rules when the test began: what must be there when it ends. */
  private Map<String, String> found;

  private List<String> foundRules;
  private Process auditd;

  @TempDir Path journalDir;
  @TempDir Path auditdDir;

  @BeforeEach
  void readTheMachine() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(AUDITCTL)), "needs Debian's auditd package (auditctl)");
    found = status();
    foundRules = rules();
    Assumptions.assumeTrue("0".equals(found.get("pid")), "an audit daemon runs already: " + found);
  }

  /**
   * Puts back what auditd's rules changed (the agent gives back its own), then checks nothing
   * differs.
   */
  @AfterEach
  void leaveTheMachineAsFound() throws Exception {
    try {
      if (auditd != null) {
        auditd.destroy(); // SIGTERM to the auditd this test started, by its pid
        if (!auditd.waitFor(20, TimeUnit.SECONDS)) {
          auditd.destroyForcibly();
        }
      }
    } finally {
      harness.stop();
      Map<String, String> now = status();
      if (!rules().equals(foundRules)) {
        auditctl("-D");
        for (String rule : foundRules) {
          List<String> args = new ArrayList<>(List.of(rule.split(" ")));
          auditctl(args.toArray(String[]::new));
        }
      }
      restore(now, "backlog_limit", "-b");
      restore(now, "backlog_wait_time", "--backlog_wait_time");
      restore(now, "failure", "-f");
      restore(now, "enabled", "-e");
    }
    assertEquals(foundRules, rules(), "audit rules as found");
    Map<String, String> after = status();
    for (String key :
        List.of("enabled", "failure", "pid", "rate_limit", "backlog_limit", "backlog_wait_time")) {
      assertEquals(found.get(key), after.get(key), key + " as found");
    }
  }

  private void restore(Map<String, String> now, String key, String option) throws Exception {
    if (!found.get(key).equals(now.get(key))) {
      auditctl(option, found.get(key));
    }
  }

  @Test
  void oneShotProcessesInAContainerArriveWholeAndTheAgentGivesBackWhatItTook() throws Exception {
    startAgent();
    Map<String, String> running = status();
    assertEquals(
        String.valueOf(ProcessHandle.current().pid()),
        running.get("pid"),
        "no daemon ran: the agent owns the pid");
    assertEquals("1", running.get("enabled"));
    assertEquals(
        10,
        rules().stream().filter(r -> r.contains("key=dockward")).count(),
        "our exec, link, traceme, packet socket and stdio dup rules, b64 and b32: " + rules());

    String id = storm("dwmarka");
    assertStormComplete("dwmarka", id);

    harness.stop();
    assertEquals(foundRules, rules(), "the agent deleted its rule and only it");
    Map<String, String> after = status();
    assertEquals(found.get("enabled"), after.get("enabled"), "enabled flag as found");
    assertEquals(found.get("backlog_limit"), after.get("backlog_limit"), "backlog limit as found");
    assertEquals("0", after.get("pid"), "the pid the agent set is cleared");
  }

  @Test
  void besideAuditdBothSeeEveryExecAndAFlushOfRulesIsRepaired() throws Exception {
    Files.createDirectories(auditdDir.resolve("plugins.d"));
    Files.writeString(auditdDir.resolve("auditd.conf"), auditdConf(auditdDir.resolve("audit.log")));
    Path rules = auditdDir.resolve("audit.rules");
    Files.writeString(
        rules,
        String.join(
            "\n",
            "-D",
            "-b 8192",
            "--backlog_wait_time 60000",
            "-f 1",
            "-a always,exit -F arch=b64 -S execve -k auditd-exec",
            "-w /etc/shadow -p wa -k auditd-shadow",
            ""));
    auditd =
        new ProcessBuilder(AUDITD, "-n", "-c", auditdDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(auditdDir.resolve("auditd.out").toFile())
            .start();
    String auditdPid = String.valueOf(auditd.pid());
    Await.until(
        () -> auditdPid.equals(statusQuietly().get("pid")),
        DEADLINE,
        () -> "auditd " + auditdPid + " owns the audit pid: " + statusQuietly());
    auditctl("-R", rules.toString());
    List<String> auditdRules = rules();

    startAgent();
    assertEquals(
        auditdPid, status().get("pid"), "the agent reads beside auditd, never in its place");
    assertTrue(rules().containsAll(auditdRules), "auditd's rules untouched: " + rules());

    // auditd (re)loading its rules starts with -D: our rule goes, and comes back.
    auditctl("-R", rules.toString());
    Await.until(
        () -> rulesQuietly().stream().filter(r -> r.contains("key=dockward")).count() == 10,
        DEADLINE,
        () -> "our ten rules back after a flush: " + rulesQuietly());
    awaitMarker();

    String id = storm("dwmarkb");
    assertStormComplete("dwmarkb", id);
    Path log = auditdDir.resolve("audit.log");
    Await.until(
        () -> marksIn(log, "dwmarkb") == STORM,
        DEADLINE,
        () -> "auditd logged every exec: " + marksIn(log, "dwmarkb") + " of " + STORM);

    harness.stop();
    assertEquals(auditdRules, rules(), "only our rule went with the agent");
    assertEquals(auditdPid, status().get("pid"), "auditd still owns the pid");
    assertTrue(auditd.isAlive(), "auditd still runs");
  }

  /** The agent with netlink and audit on, every event printed; returns once audit delivers. */
  private void startAgent() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    new AgentConfig.Docker(false, null, null),
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
    awaitMarker();
  }

  /** A host exec made now comes back from audit. */
  private void awaitMarker() throws Exception {
    String marker = "dwready" + UUID.randomUUID().toString().substring(0, 8);
    Process p = new ProcessBuilder("/bin/sh", "-c", "exec /bin/echo " + marker).start();
    p.waitFor();
    Await.until(
        () ->
            records().stream()
                .anyMatch(
                    r ->
                        "audit".equals(r.get("source"))
                            && String.valueOf(process(r).get("cmdline"))
                                .equals("/bin/echo " + marker)),
        DEADLINE,
        () -> "audit exec event of " + marker);
  }

  /** Runs {@value #STORM} one-shot processes in a new container; returns its id once it ended. */
  private String storm(String mark) throws Exception {
    String id =
        docker.runDetached(
            DockerCli.uniqueName("dw-audit"),
            List.of("--network=none"),
            "/bin/sh",
            "-c",
            "i=0; while [ $i -lt "
                + STORM
                + " ]; do /bin/busybox true "
                + mark
                + "-$i; i=$((i+1)); done");
    Await.until(
        () -> {
          try {
            return "exited".equals(docker.docker("inspect", "-f", "{{.State.Status}}", id));
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        },
        DEADLINE,
        () -> "the storm container " + id + " ended");
    return id;
  }

  /**
   * At least 99.9 % of the storm's execs arrive once each from audit with exe, every argument, cwd
   * and the container; none comes twice (netlink leaves execs to audit).
   */
  private void assertStormComplete(String mark, String id) {
    Await.until(
        () -> whole(mark, id).size() >= STORM,
        DEADLINE,
        () ->
            "every exec of the storm: "
                + whole(mark, id).size()
                + " of "
                + STORM
                + " whole in container "
                + id
                + "; some of them: "
                + sample(mark));
    Map<Integer, Integer> times = new HashMap<>();
    for (Map<String, Object> r : records()) {
      if ("exec".equals(r.get("type"))) {
        Matcher m = MARK.matcher(String.valueOf(process(r).get("cmdline")));
        if (m.matches() && m.group(1).equals(mark)) {
          times.merge(Integer.parseInt(m.group(2)), 1, Integer::sum);
        }
      }
    }
    assertTrue(times.values().stream().allMatch(n -> n == 1), "each exec once: " + times);
    assertFalse(
        records().stream()
            .anyMatch(
                r ->
                    "exec".equals(r.get("type"))
                        && "netlink".equals(r.get("source"))
                        && id.equals(Records.map(r.getOrDefault("container", Map.of())).get("id"))),
        "no exec event from netlink too");
    assertTrue(whole(mark, id).size() * 1000L >= STORM * 999L);
  }

  /** The storm's indices that arrived whole: exe, the full argument list, the container, cwd. */
  private Set<Integer> whole(String mark, String id) {
    Set<Integer> out = new HashSet<>();
    for (Map<String, Object> r : records()) {
      if (!"exec".equals(r.get("type")) || !"audit".equals(r.get("source"))) {
        continue;
      }
      Map<String, Object> p = process(r);
      Matcher m = MARK.matcher(String.valueOf(p.get("cmdline")));
      if (m.matches()
          && m.group(1).equals(mark)
          && "/bin/busybox".equals(p.get("exe"))
          && "/".equals(p.get("cwd"))
          && id.equals(Records.map(r.getOrDefault("container", Map.of())).get("id"))) {
        out.add(Integer.parseInt(m.group(2)));
      }
    }
    return out;
  }

  /** A few records of the storm, for a failure message. */
  private List<Map<String, Object>> sample(String mark) {
    return records().stream()
        .filter(
            r -> String.valueOf(process(r).get("cmdline")).startsWith("/bin/busybox true " + mark))
        .limit(3)
        .toList();
  }

  private static Map<String, Object> process(Map<String, Object> r) {
    return r.get("process") instanceof Map<?, ?> ? Records.map(r.get("process")) : Map.of();
  }

  private synchronized List<Map<String, Object>> records() {
    List<String> lines = stdout.lines();
    for (int i = parsed.size(); i < lines.size(); i++) {
      parsed.add(parse(lines.get(i)));
    }
    return List.copyOf(parsed);
  }

  /** The distinct storm indices in auditd's log (its EXECVE records). */
  private static long marksIn(Path log, String mark) {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      Pattern arg = Pattern.compile("a2=\"" + mark + "-(\\d+)\"");
      return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
          .map(arg::matcher)
          .filter(Matcher::find)
          .map(m -> m.group(1))
          .distinct()
          .count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String auditdConf(Path log) {
    return String.join(
        "\n",
        "local_events = yes",
        "write_logs = yes",
        "log_file = " + log,
        "log_format = RAW",
        "flush = INCREMENTAL_ASYNC",
        "freq = 50",
        "max_log_file = 64",
        "num_logs = 2",
        "max_log_file_action = ROTATE",
        "space_left = 75",
        "space_left_action = SYSLOG",
        "admin_space_left = 50",
        "admin_space_left_action = SYSLOG",
        "disk_full_action = SYSLOG",
        "disk_error_action = SYSLOG",
        "name_format = NONE",
        "q_depth = 2000",
        "overflow_action = SYSLOG",
        "max_restarts = 10",
        "plugin_dir = " + log.getParent().resolve("plugins.d"),
        "end_of_event_timeout = 2",
        "");
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

  private static Map<String, String> statusQuietly() {
    try {
      return status();
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** {@code auditctl -l}, one rule a line; empty for none. */
  private static List<String> rules() throws Exception {
    String out = auditctl("-l");
    return out.equals("No rules") ? List.of() : List.of(out.split("\n"));
  }

  private static List<String> rulesQuietly() {
    try {
      return rules();
    } catch (Exception e) {
      return List.of();
    }
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
}

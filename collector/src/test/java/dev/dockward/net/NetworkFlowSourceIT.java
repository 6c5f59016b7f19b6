package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.docker.DockerApi;
import dev.dockward.docker.RunningContainers;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.FlowObserved;
import dev.dockward.host.HostFs;
import dev.dockward.source.SourceHealth;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The capture on the real kernel (needs root and the test dockerd): containers the test starts on
 * docker0 and on an {@code --internal} user-defined bridge talk; their flows must arrive with both
 * ends named.
 */
@Tag("integration")
class NetworkFlowSourceIT {
  private static final String DOCKER = "/usr/bin/docker";
  private static final String IMAGE = "dockward/busybox:test";
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final String label = "dockward.test=" + UUID.randomUUID();
  private final String suffix = Long.toHexString(System.nanoTime() & 0xffffffL);
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final List<String> networks = new ArrayList<>();
  private DockerApi api;
  private NetworkFlowSource source;
  private int docker0PromiscuityBefore;

  @BeforeEach
  void start() throws Exception {
    api = new DockerApi(URI.create("unix:///var/run/docker.sock"));
    docker0PromiscuityBefore = promiscuity("docker0");
    NetworkFlowSource.Settings settings =
        new NetworkFlowSource.Settings(
            List.of("docker0", "br-*"),
            128,
            4L << 20,
            Duration.ofMillis(500),
            FlowTable.Settings.DEFAULT);
    source = NetworkFlowSource.open(HostFs.system(), this::running, Clock.systemUTC(), settings);
    source.start(events::add);
  }

  private Collection<ContainerInfo> running() {
    try {
      return RunningContainers.list(api);
    } catch (IOException e) {
      return List.of();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    String ids = docker("ps", "-aq", "--filter", "label=" + label);
    if (!ids.isBlank()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(List.of(ids.split("\\s+")));
      docker(rm.toArray(String[]::new));
    }
    for (String n : networks) {
      docker("network", "rm", n);
    }
    api.close();
  }

  @Test
  void tcpBetweenTwoContainersOnDocker0() throws Exception {
    String server = "nfs-srv-" + suffix;
    String client = "nfs-cli-" + suffix;
    docker(
        "run",
        "-d",
        "--label",
        label,
        "--name",
        server,
        IMAGE,
        "sh",
        "-c",
        "nc -ll -p 8080 -e /bin/busybox echo hi");
    String ip = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", server);
    waitForInventory(server);
    docker(
        "run",
        "-d",
        "--label",
        label,
        "--name",
        client,
        IMAGE,
        "sh",
        "-c",
        "for i in 1 2 3 4 5 6 7 8 9 10; do echo x | nc -w 2 "
            + ip
            + " 8080; sleep 1; done; sleep 30");
    FlowObserved start =
        await(
            f ->
                f.traffic().state().equals("start")
                    && f.dst().port() == 8080
                    && f.src().displayName().equals(client));
    assertEquals("docker0", start.traffic().iface());
    assertEquals("tcp", start.traffic().protocol());
    assertEquals(server, start.dst().displayName());
    assertEquals(IMAGE, start.dst().container().orElseThrow().image());
    FlowObserved end =
        await(
            f ->
                f.traffic().state().equals("end")
                    && f.dst().port() == 8080
                    && f.src().displayName().equals(client));
    assertEquals(Optional.of("closed"), end.traffic().endReason());
    assertTrue(end.traffic().tcpFlagsOut().contains("syn"), end.traffic().toString());
    assertTrue(end.traffic().packetsIn() > 0);
    assertTrue(source.counters().get("kernel_packets") > 0, source.counters().toString());
    // The capture reads the containers' ports and changes no interface setting: docker0 is not put
    // in promiscuous mode (another agent on this host with an older capture could, and would fail
    // this).
    assertEquals(
        docker0PromiscuityBefore,
        promiscuity("docker0"),
        "docker0's promiscuity count while capturing");
    source.close();
    assertEquals(
        docker0PromiscuityBefore,
        promiscuity("docker0"),
        "docker0's promiscuity count after the capture");
  }

  @Test
  void withoutABridgeToCaptureOnTheSourceIsDegradedAndSaysWhy() throws Exception {
    NetworkFlowSource.Settings none =
        new NetworkFlowSource.Settings(
            List.of("dwnobridge*"),
            128,
            2L << 20,
            Duration.ofMillis(200),
            FlowTable.Settings.DEFAULT);
    try (NetworkFlowSource lonely =
        NetworkFlowSource.open(HostFs.system(), List::of, Clock.systemUTC(), none)) {
      lonely.start(e -> {});
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (!lonely.health().isDegraded() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      SourceHealth h = lonely.health();
      assertTrue(h.isDegraded(), h.toString());
      assertTrue(h.reason().startsWith("no Docker bridge to capture on (dwnobridge*)"), h.reason());
    }
    // The one on docker0 is running.
    assertEquals(
        SourceHealth.State.RUNNING, awaitScanned(source).state(), source.health().toString());
  }

  /** The source's health once its first rescan ran (the counters are published after it). */
  private static SourceHealth awaitScanned(NetworkFlowSource s) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!s.counters().containsKey("bridges_opened") && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return s.health();
  }

  /** The interface's promiscuity count as `ip -d link show` prints it. */
  private static int promiscuity(String iface) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("ip", "-d", "link", "show", iface).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = Pattern.compile("promiscuity (\\d+)").matcher(out);
    if (!m.find()) {
      throw new AssertionError("no promiscuity in: " + out);
    }
    return Integer.parseInt(m.group(1));
  }

  @Test
  void aUserDefinedInternalBridgeCreatedAfterTheStartIsFollowed() throws Exception {
    String net = "nfs-net-" + suffix;
    docker("network", "create", "--internal", "--label", label, net);
    networks.add(net);
    String server = "nfs-isrv-" + suffix;
    String client = "nfs-icli-" + suffix;
    docker(
        "run",
        "-d",
        "--label",
        label,
        "--network",
        net,
        "--name",
        server,
        IMAGE,
        "sh",
        "-c",
        "nc -ll -p 5432 -e /bin/busybox echo hi");
    waitForInventory(server);
    // The bridge appeared after the source started: the loop repeats until the rescan has found it.
    docker(
        "run",
        "-d",
        "--label",
        label,
        "--network",
        net,
        "--name",
        client,
        IMAGE,
        "sh",
        "-c",
        "for i in $(seq 1 20); do echo x | nc -w 2 " + server + " 5432; sleep 1; done; sleep 30");
    FlowObserved start =
        await(
            f ->
                f.traffic().state().equals("start")
                    && f.dst().port() == 5432
                    && f.src().displayName().equals(client));
    assertTrue(start.traffic().iface().startsWith("br-"), start.traffic().iface());
    assertEquals(server, start.dst().displayName());
    assertEquals("container", start.src().kind().text());

    // The network goes away under the running capture: its ring is closed, nothing breaks.
    docker("rm", "-f", server, client);
    docker("network", "rm", net);
    networks.remove(net);
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (source.counters().getOrDefault("bridges_vanished", 0L) < 1
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    // At least ours: other tests on this daemon may remove bridges of their own meanwhile.
    assertTrue(source.counters().get("bridges_vanished") >= 1, source.counters().toString());
    assertTrue(
        source.counters().get("bridges_opened") > source.counters().get("bridges_vanished"),
        "docker0 is still captured: " + source.counters());
  }

  private void waitForInventory(String name) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (running().stream().anyMatch(c -> c.name().equals(name))) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("container " + name + " never listed");
  }

  private FlowObserved await(Predicate<FlowObserved> match) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      for (Event e : events) {
        if (e instanceof FlowObserved f && match.test(f)) {
          return f;
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(
        "no such flow within "
            + DEADLINE
            + "; flows: "
            + events.stream()
                .filter(FlowObserved.class::isInstance)
                .map(e -> ((FlowObserved) e).edge() + " " + ((FlowObserved) e).traffic().state())
                .toList()
            + " counters "
            + source.counters());
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(DOCKER);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException(cmd + " exited " + p.exitValue() + ": " + text);
    }
    return text;
  }
}

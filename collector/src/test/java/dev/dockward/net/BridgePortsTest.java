package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.ContainerInfo;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bridge ports from a sysfs tree laid out as on this machine ({@code class/net/<if>/ifindex},
 * {@code iflink}, {@code bridge/}, {@code brif/<port>}), and the containers behind them from their
 * namespaces' {@code /proc/<pid>/net/dev_mcast} and {@code if_inet6} (lines as read from a real
 * busybox container here: {@code 722 eth0 1 0 01005e000001}).
 */
class BridgePortsTest {
  @TempDir Path root;

  private void iface(String name, int ifindex, int iflink) throws IOException {
    Path dir = Files.createDirectories(root.resolve("sys/class/net").resolve(name));
    Files.writeString(dir.resolve("ifindex"), ifindex + "\n");
    Files.writeString(dir.resolve("iflink"), iflink + "\n");
  }

  private void bridge(String name, int ifindex, String... ports) throws IOException {
    iface(name, ifindex, ifindex);
    Path dir = root.resolve("sys/class/net").resolve(name);
    Files.createDirectories(dir.resolve("bridge"));
    Files.createDirectories(dir.resolve("brif"));
    for (String p : ports) {
      Files.createDirectories(dir.resolve("brif").resolve(p));
    }
  }

  @Test
  void portsOfMatchingBridgesWithTheirPeersAndEveryOtherInterface() throws IOException {
    iface("lo", 1, 1);
    iface("eth0", 2, 2);
    bridge("docker0", 3, "veth11fd97f");
    iface("veth11fd97f", 723, 722);
    bridge("br-5c7a1d2e3f40", 9, "veth0a0b0c0");
    iface("veth0a0b0c0", 811, 810);
    bridge("virbr0", 5, "vnet0"); // not Docker's: its port is no port of ours
    iface("vnet0", 6, 6);

    BridgeScanner.Topology t =
        new BridgeScanner(root.resolve("sys"), List.of("docker0", "br-*")).topology();
    assertEquals(Map.of("docker0", 3, "br-5c7a1d2e3f40", 9), t.bridges());
    assertEquals(
        Map.of(
            723,
            new BridgeScanner.Port("veth11fd97f", "docker0", 722),
            811,
            new BridgeScanner.Port("veth0a0b0c0", "br-5c7a1d2e3f40", 810)),
        t.ports());
    assertEquals(Set.of(1, 2, 3, 5, 6, 9), t.notPorts());
  }

  @Test
  void containersAreFoundByTheInterfacesOfTheirNamespace() throws IOException {
    Path net = Files.createDirectories(root.resolve("proc/4242/net"));
    Files.writeString(
        net.resolve("dev_mcast"),
        String.join(
            "\n",
            "722  eth0            1     0     333300000001",
            "722  eth0            1     0     01005e000001",
            "811  eth1            1     0     01005e000001",
            ""));
    Files.writeString(
        net.resolve("if_inet6"),
        "fe800000000000000042acfffe110002 33b 40 20 80     eth2\n"
            + "00000000000000000000000000000001 01 80 10 80       lo\n");
    ContainerInfo web =
        FlowResolverTest.container(
            "a1", "web", "nginx:1.25", Map.of(), "bridge", "172.17.0.2", "02:42:ac:11:00:02");
    ContainerInfo pidless = ContainerInfo.unresolved("b2".repeat(32));
    ContainerInfo gone =
        FlowResolverTest.container(
            "c3",
            "gone",
            "busybox",
            Map.of(),
            "bridge",
            "172.17.0.3",
            "02:42:ac:11:00:03"); // its pid (42) has no /proc entry here: nothing, and counted
    NetnsLinksReader reader = new NetnsLinksReader(HostFs.rootedAt(root));
    ContainerInfo web4242 =
        new ContainerInfo(
            web.id(),
            web.name(),
            web.image(),
            web.imageId(),
            web.labels(),
            false,
            List.of(),
            List.of(),
            List.of(),
            web.namespaces(),
            List.of(),
            web.limits(),
            OptionalLong.of(4242),
            web.networks(),
            web.startedAt(),
            List.of());
    Map<Integer, List<ContainerInfo>> by = reader.byIfindex(List.of(web4242, pidless, gone));
    assertEquals(Map.of(722, List.of(web4242), 811, List.of(web4242), 0x33b, List.of(web4242)), by);
    assertEquals(2, reader.unreadable(), "dev_mcast and if_inet6 of the vanished pid");
  }
}

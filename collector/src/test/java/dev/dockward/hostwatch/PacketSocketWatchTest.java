package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.PacketSocketSeen;
import dev.dockward.event.ResourceLimits;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.SocketClaims;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketSocketWatchTest {
  private static final Instant T = Instant.parse("2026-12-07T17:20:00Z");
  private static final String HEADER =
      "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n";

  @TempDir Path root;
  private HostFs host;
  private PacketSocketWatch watch;
  private final SocketClaims claims = new SocketClaims();

  @BeforeEach
  void setUp() {
    host = HostFs.rootedAt(root);
    watch = new PacketSocketWatch(host, new ProcReader(host), claims);
  }

  private static String recorded() throws IOException {
    // busybox udhcpc -i lo in a --network=none container, as its init's net/packet showed it
    try (InputStream in =
        PacketSocketWatchTest.class.getResourceAsStream("/net/packet-udhcpc-on-lo.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private void table(int pid, String text) throws IOException {
    Files.createDirectories(host.pidDir(pid).resolve("net"));
    Files.writeString(host.pidDir(pid).resolve("net/packet"), text);
  }

  private static ContainerInfo container(String id, long pid, String network) {
    return new ContainerInfo(
        id,
        "sniffer",
        "img:1",
        "sha256:1",
        Map.of(),
        false,
        List.of(),
        List.of(),
        List.of(),
        new NamespaceModes("", network, "", "", "", ""),
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(pid),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  private List<Event> pass(ContainerInfo c) {
    List<Event> out = new ArrayList<>();
    watch.container(c, (int) c.initPid().getAsLong(), T, out);
    return out;
  }

  @Test
  void theRecordedTableParses() throws IOException {
    assertEquals(
        List.of(new PacketSocketWatch.PacketSocket(4392004, 2, "0800", 1, 0)),
        PacketSocketWatch.parse(recorded()));
    assertEquals(
        List.of(),
        PacketSocketWatch.parse(HEADER + "garbage line\n0 1 x 0003 0 1 0 0 notanumber\n"));
  }

  @Test
  void anOpenSocketIsReportedOnceWithItsHolderAndANewOneAgain() throws IOException {
    ContainerInfo c = container("abc", 4242, "bridge");
    table(4242, recorded());
    // the holder: a process with the socket among its descriptors
    Files.createDirectories(host.pidDir(4250).resolve("fd"));
    Files.createSymbolicLink(host.pidDir(4250).resolve("fd/3"), Path.of("socket:[4392004]"));
    List<Event> first = pass(c);
    assertEquals(1, first.size());
    PacketSocketSeen seen = (PacketSocketSeen) first.get(0);
    assertEquals(OptionalLong.of(4392004), seen.inode());
    assertEquals("dgram", seen.socketType());
    assertEquals("0800", seen.protocol());
    assertEquals(1, seen.ifindex());
    assertEquals("abc", seen.container().orElseThrow().id());
    assertEquals(List.of(), pass(c), "still open: said already");
    table(4242, HEADER + "0000000021111c5d 3      3    0003   0     1 0      0      4392077\n");
    PacketSocketSeen raw = (PacketSocketSeen) pass(c).get(0);
    assertEquals("raw", raw.socketType());
    assertEquals(Optional.empty(), raw.proc(), "no holder found");
  }

  @Test
  void containersOnTheHostsNetworkOrAnothersAreNotLookedAt() throws IOException {
    table(4242, recorded());
    assertEquals(List.of(), pass(container("abc", 4242, "host")));
    assertEquals(List.of(), pass(container("abc", 4242, "container:def")));
    watch.retain(Set.of());
    assertEquals(1, pass(container("abc", 4242, "bridge")).size());
  }

  @Test
  void aSocketTheAuditSourceReportedAtItsCallIsNotReportedAgain() throws IOException {
    table(4242, recorded());
    assertTrue(claims.claim(4392004), "the audit source claims it at its call");
    assertEquals(List.of(), pass(container("abc", 4242, "bridge")), "reported once, by audit");
    table(4242, HEADER + "0000000021111c5d 3      3    0003   0     1 0      0      4392077\n");
    assertEquals(1, pass(container("abc", 4242, "bridge")).size(), "one audit did not report");
    assertFalse(claims.claim(4392077), "the pass claimed it: audit does not report it again");
  }
}

package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.DaemonSocketConnected;
import dev.dockward.event.Event;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ResourceLimits;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.sockdiag.UnixSocketEntry;
import java.io.IOException;
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

class DaemonSocketWatchTest {
  private static final Instant NOW = Instant.parse("2026-11-23T07:40:00Z");
  private static final String CONTAINER =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";

  @TempDir Path root;
  private final List<UnixSocketEntry> sockets = new ArrayList<>();
  private DaemonSocketWatch watch;

  @BeforeEach
  void setUp() throws IOException {
    HostFs host = HostFs.rootedAt(root);
    Files.createDirectories(host.proc());
    watch =
        new DaemonSocketWatch(
            host,
            new ProcReader(host),
            Set.of("/var/run/docker.sock"),
            List::of,
            netns -> List.copyOf(sockets));
    process(4242, "dctl", "/docker/" + CONTAINER, 7001);
    process(900, "dockward", "/system.slice/dockward.service", 7003);
  }

  /** A process with stat, status, cgroup and cmdline files and one socket fd. */
  private void process(int pid, String comm, String cgroup, long socketInode) throws IOException {
    Path dir = root.resolve("proc/" + pid);
    Files.createDirectories(dir.resolve("fd"));
    StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S 1");
    for (int i = 5; i <= 52; i++) {
      stat.append(' ').append(i == 22 ? "777" : "0");
    }
    Files.writeString(dir.resolve("stat"), stat + "\n");
    Files.writeString(
        dir.resolve("status"),
        "Name:\t" + comm + "\nUid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\n");
    Files.writeString(dir.resolve("cgroup"), "4:memory:" + cgroup + "\n0::" + cgroup + "\n");
    Files.write(dir.resolve("cmdline"), (comm + "\0events\0").getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(dir.resolve("fd/3"), Path.of("socket:[" + socketInode + "]"));
  }

  @Test
  void aContainerProcessOnTheOtherEndOfADockerSocketConnectionIsReportedOnce() {
    sockets.add(new UnixSocketEntry(100, 10, "/var/run/docker.sock", 0)); // the listener
    sockets.add(new UnixSocketEntry(7002, 1, "/var/run/docker.sock", 7001)); // the container's
    sockets.add(new UnixSocketEntry(7004, 1, "/var/run/docker.sock", 7003)); // the agent's own
    sockets.add(
        new UnixSocketEntry(7006, 1, "/run/containerd/containerd.sock", 7001)); // not watched
    List<Event> events = watch.pass(NOW);
    assertEquals(1, events.size(), events + " " + watch.counters());
    DaemonSocketConnected c = (DaemonSocketConnected) events.get(0);
    assertEquals(4242, c.proc().pid());
    assertEquals("dctl", c.proc().name());
    assertEquals(CONTAINER, c.container().orElseThrow().id());
    assertEquals(7002, c.serverInode());
    assertEquals(7001, c.clientInode());
    assertEquals(List.of(), watch.pass(NOW), "the same connection is not reported again");
    assertEquals(1L, watch.counters().get("fd_lookups"), "known peers are not looked up again");
  }

  @Test
  void eachRunningContainersNetworkNamespaceIsListedOnceBesideTheAgentsOwn() throws IOException {
    Files.createDirectories(root.resolve("proc/self/ns"));
    Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026531840]"));
    Files.createDirectories(root.resolve("proc/4242/ns"));
    Files.createSymbolicLink(root.resolve("proc/4242/ns/net"), Path.of("net:[4026532207]"));
    Files.createDirectories(root.resolve("proc/900/ns"));
    Files.createSymbolicLink(
        root.resolve("proc/900/ns/net"), Path.of("net:[4026531840]")); // --network=host
    List<Optional<String>> asked = new ArrayList<>();
    HostFs host = HostFs.rootedAt(root);
    DaemonSocketWatch perNamespace =
        new DaemonSocketWatch(
            host,
            new ProcReader(host),
            Set.of("/var/run/docker.sock"),
            () -> List.of(container(4242), container(900), container(4242)),
            netns -> {
              asked.add(netns);
              // the accepted end of a container's connection lives in the container's namespace
              return netns.isPresent()
                  ? List.of(new UnixSocketEntry(7002, 1, "/var/run/docker.sock", 7001))
                  : List.of();
            });
    List<Event> events = perNamespace.pass(NOW);
    assertEquals(
        List.of(Optional.empty(), Optional.of(root.resolve("proc/4242/ns/net").toString())), asked);
    assertEquals(1, events.size(), events.toString());
  }

  @Test
  void aContainersNamespaceIsReadOncePerInitProcessAndTheTableIsToldWhichNamespacesAreStillListed()
      throws IOException {
    Files.createDirectories(root.resolve("proc/self/ns"));
    Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026531840]"));
    Files.createDirectories(root.resolve("proc/4242/ns"));
    Path link = root.resolve("proc/4242/ns/net");
    Files.createSymbolicLink(link, Path.of("net:[4026532207]"));
    Files.createDirectories(root.resolve("proc/5151/ns"));
    Files.createSymbolicLink(root.resolve("proc/5151/ns/net"), Path.of("net:[4026532311]"));
    List<String> asked = new ArrayList<>();
    List<Set<String>> retained = new ArrayList<>();
    List<ContainerInfo> running = new ArrayList<>(List.of(container(4242)));
    HostFs host = HostFs.rootedAt(root);
    DaemonSocketWatch perNamespace =
        new DaemonSocketWatch(
            host,
            new ProcReader(host),
            Set.of("/var/run/docker.sock"),
            () -> List.copyOf(running),
            new DaemonSocketWatch.SocketTable() {
              @Override
              public List<UnixSocketEntry> dump(Optional<String> netnsFile) {
                throw new AssertionError("the watch names the namespace");
              }

              @Override
              public List<UnixSocketEntry> dump(Optional<String> netnsFile, String namespace) {
                asked.add(namespace);
                return List.of();
              }

              @Override
              public void retain(Set<String> namespaces) {
                retained.add(namespaces);
              }
            });
    perNamespace.pass(NOW);
    // The same init process: its link is not read again (here: changed under it, and not seen).
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("net:[4026539999]"));
    perNamespace.pass(NOW);
    // The container restarted with another init process: its namespace is read afresh.
    running.set(0, container(5151));
    perNamespace.pass(NOW);
    assertEquals(
        List.of(
            "net:[4026531840]",
            "net:[4026532207]",
            "net:[4026531840]",
            "net:[4026532207]",
            "net:[4026531840]",
            "net:[4026532311]"),
        asked);
    assertEquals(
        Set.of("net:[4026531840]", "net:[4026532311]"),
        retained.get(2),
        "the stopped run's namespace is no longer listed: its table may let it go");
  }

  /** A container with the Docker socket mounted: its namespace is listed on every pass. */
  private static ContainerInfo container(long initPid) {
    return container(
        CONTAINER,
        initPid,
        List.of(new MountInfo("bind", "/var/run/docker.sock", "/var/run/docker.sock", true)),
        NamespaceModes.DEFAULT,
        false,
        List.of());
  }

  private static ContainerInfo container(
      String id,
      long initPid,
      List<MountInfo> mounts,
      NamespaceModes namespaces,
      boolean privileged,
      List<String> capAdd) {
    return new ContainerInfo(
        id,
        "web",
        "img",
        "sha256:1",
        Map.of(),
        privileged,
        capAdd,
        List.of(),
        mounts,
        namespaces,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(initPid),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  private static ContainerInfo plain(String id, long initPid) {
    return container(
        id,
        initPid,
        List.of(new MountInfo("volume", "/var/lib/docker/volumes/data/_data", "/data", true)),
        NamespaceModes.DEFAULT,
        false,
        List.of("NET_ADMIN"));
  }

  @Test
  void whatLetsAContainerReachTheSocket() {
    Set<String> through = DaemonSocketWatch.reachedThrough(Set.of("/var/run/docker.sock"));
    assertEquals(
        Set.of("/var/run/docker.sock", "/var/run", "/var", "/run/docker.sock", "/run", "/"),
        through);
    assertFalse(DaemonSocketWatch.canReachSocket(plain("a", 1), through));
    for (String source : List.of("/var/run/docker.sock", "/run/", "/", "/proc", "/proc/1/root")) {
      assertTrue(
          DaemonSocketWatch.canReachSocket(
              container(
                  "a",
                  1,
                  List.of(new MountInfo("bind", source, "/x", false)),
                  NamespaceModes.DEFAULT,
                  false,
                  List.of()),
              through),
          source);
    }
    assertFalse(
        DaemonSocketWatch.canReachSocket(
            container(
                "a",
                1,
                List.of(new MountInfo("bind", "/var/run/dbus", "/x", false)),
                NamespaceModes.DEFAULT,
                false,
                List.of()),
            through),
        "a sibling directory");
    assertTrue(
        DaemonSocketWatch.canReachSocket(
            container("a", 1, List.of(), NamespaceModes.DEFAULT, true, List.of()), through),
        "privileged");
    assertTrue(
        DaemonSocketWatch.canReachSocket(
            container("a", 1, List.of(), NamespaceModes.DEFAULT, false, List.of("CAP_SYS_ADMIN")),
            through));
    assertTrue(
        DaemonSocketWatch.canReachSocket(
            container("a", 1, List.of(), NamespaceModes.DEFAULT, false, List.of("all")), through));
    for (String pid : List.of("host", "container:" + CONTAINER)) {
      assertTrue(
          DaemonSocketWatch.canReachSocket(
              container(
                  "a", 1, List.of(), new NamespaceModes(pid, "", "", "", "", ""), false, List.of()),
              through),
          pid);
    }
  }

  @Test
  void containersThatCannotReachTheSocketAreListedOnlyEveryFewSecondsAndTheirConnectionsStayKnown()
      throws IOException {
    Files.createDirectories(root.resolve("proc/self/ns"));
    Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026531840]"));
    Files.createDirectories(root.resolve("proc/4242/ns"));
    Files.createSymbolicLink(root.resolve("proc/4242/ns/net"), Path.of("net:[4026532207]"));
    Files.createDirectories(root.resolve("proc/5151/ns"));
    Files.createSymbolicLink(root.resolve("proc/5151/ns/net"), Path.of("net:[4026532311]"));
    List<String> asked = new ArrayList<>();
    HostFs host = HostFs.rootedAt(root);
    String other = "b".repeat(64);
    DaemonSocketWatch watch =
        new DaemonSocketWatch(
            host,
            new ProcReader(host),
            Set.of("/var/run/docker.sock"),
            () ->
                List.of(
                    plain(CONTAINER, 4242),
                    container(
                        other,
                        5151,
                        List.of(new MountInfo("bind", "/run", "/run", false)),
                        NamespaceModes.DEFAULT,
                        false,
                        List.of())),
            new DaemonSocketWatch.SocketTable() {
              @Override
              public List<UnixSocketEntry> dump(Optional<String> netnsFile) {
                throw new AssertionError("the watch names the namespace");
              }

              @Override
              public List<UnixSocketEntry> dump(Optional<String> netnsFile, String namespace) {
                asked.add(namespace);
                // the plain container is connected (a way in its configuration does not show)
                return namespace.equals("net:[4026532207]")
                    ? List.of(new UnixSocketEntry(7002, 1, "/var/run/docker.sock", 7001))
                    : List.of();
              }
            });
    assertEquals(1, watch.pass(NOW).size(), "the first pass lists every namespace");
    assertEquals(List.of("net:[4026531840]", "net:[4026532207]", "net:[4026532311]"), asked);
    asked.clear();
    assertEquals(List.of(), watch.pass(NOW.plusMillis(250)));
    assertEquals(
        List.of("net:[4026531840]", "net:[4026532311]"), asked, "the plain container waits");
    asked.clear();
    assertEquals(
        List.of(),
        watch.pass(NOW.plus(DaemonSocketWatch.ALL_NAMESPACES_EVERY)),
        "the connection, still open, was kept while its namespace was not listed: not reported again");
    assertEquals(List.of("net:[4026531840]", "net:[4026532207]", "net:[4026532311]"), asked);
    assertEquals(1L, watch.counters().get("fd_lookups"));
    asked.clear();
    watch.listAllNext(); // a Docker API event
    watch.pass(NOW.plus(DaemonSocketWatch.ALL_NAMESPACES_EVERY).plusMillis(250));
    watch.pass(NOW.plus(DaemonSocketWatch.ALL_NAMESPACES_EVERY).plusMillis(500));
    assertEquals(
        List.of(
            "net:[4026531840]",
            "net:[4026532207]",
            "net:[4026532311]",
            "net:[4026531840]",
            "net:[4026532311]"),
        asked,
        "every namespace once, on the pass after the request");
  }

  @Test
  void aPeerNobodyHoldsIsCountedAndAFailingDumpIsCounted() {
    sockets.add(new UnixSocketEntry(7010, 1, "/var/run/docker.sock", 9999));
    assertEquals(List.of(), watch.pass(NOW));
    assertEquals(1L, watch.counters().get("unresolved_clients"));
    DaemonSocketWatch broken =
        new DaemonSocketWatch(
            HostFs.rootedAt(root),
            new ProcReader(HostFs.rootedAt(root)),
            Set.of("/var/run/docker.sock"),
            List::of,
            netns -> {
              throw new IllegalStateException("no CONFIG_UNIX_DIAG");
            });
    assertEquals(List.of(), broken.pass(NOW));
    assertEquals(
        Map.of("dump_failures", 1L, "unresolved_clients", 0L, "fd_lookups", 0L), broken.counters());
  }

  @Test
  void aRefusedSetnsBlindsTheWatchUntilAPassEntersAgainButAStoppedContainerDoesNot()
      throws IOException {
    Files.createDirectories(root.resolve("proc/self/ns"));
    Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026531840]"));
    Files.createDirectories(root.resolve("proc/4242/ns"));
    Files.createSymbolicLink(root.resolve("proc/4242/ns/net"), Path.of("net:[4026532207]"));
    HostFs host = HostFs.rootedAt(root);
    // The messages UnixSocketDiag.openIn gives, as seen under RestrictNamespaces=yes and for a
    // container gone.
    List<String> failure =
        new ArrayList<>(List.of("cannot enter /proc/4242/ns/net: [1] Operation not permitted"));
    DaemonSocketWatch watch =
        new DaemonSocketWatch(
            host,
            new ProcReader(host),
            Set.of("/var/run/docker.sock"),
            () -> List.of(container(4242)),
            netns -> {
              if (netns.isPresent() && !failure.isEmpty()) {
                throw new IllegalStateException(failure.get(0));
              }
              return List.of();
            });
    assertEquals(Optional.empty(), watch.blindness(), "nothing is known before the first pass");
    watch.pass(NOW);
    assertTrue(
        watch.blindness().orElseThrow().contains("Operation not permitted"),
        watch.blindness().toString());
    failure.set(0, "cannot open /proc/4242/ns/net: [2] No such file or directory");
    watch.pass(NOW);
    assertEquals(
        Optional.empty(), watch.blindness(), "a container that stopped meanwhile blinds nothing");
    assertEquals(2L, watch.counters().get("dump_failures"));
  }
}

package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerMountAdded;
import dev.dockward.event.Event;
import dev.dockward.event.HostFileChanged;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ResourceLimits;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pass-by-pass comparison on a fixture host tree (mountinfo lines recorded on this machine). */
class HostWatchTest {
  private static final Instant NOW = Instant.parse("2026-11-23T07:30:00Z");

  /** The host's v1 memory hierarchy and unified mount, as /proc/self/mountinfo shows them here. */
  private static final String HOST_MOUNTINFO =
      "34 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n"
          + "38 25 0:33 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:19 - cgroup2 cgroup2 rw\n";

  /** A container's own cgroup mounts, as Docker makes them on a v1 host. */
  private static final String CONTAINER_MOUNTINFO =
      "610 600 0:29 /docker/abc /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:15 - cgroup cgroup rw,memory\n";

  private static final String NET_CLS_AT_TMP =
      "43 67 0:48 / /tmp/cgrp rw,relatime - cgroup cgroup rw,net_cls,release_agent=/x\n";
  private static final String MEMORY_AT_TMP =
      "44 67 0:29 / /tmp/mem rw,relatime - cgroup cgroup rw,memory\n";

  @TempDir Path root;
  private HostFs host;
  private final List<ContainerInfo> running = new ArrayList<>();
  private HostWatch watch;

  @BeforeEach
  void setUp() throws IOException {
    host = HostFs.rootedAt(root);
    write("proc/sys/kernel/core_pattern", "core\n");
    write("proc/self/mountinfo", HOST_MOUNTINFO);
    write("sys/fs/cgroup/memory/release_agent", "\n");
    watch = new HostWatch(host, () -> List.copyOf(running), new dev.dockward.proc.ProcReader(host));
  }

  private void write(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private static ContainerInfo container(String id, long initPid) {
    return new ContainerInfo(
        id,
        "web",
        "img:1",
        "sha256:1",
        Map.of(),
        false,
        List.of(),
        List.of(),
        List.<MountInfo>of(),
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(initPid),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  @Test
  void theFirstPassIsTheBaselineAndAChangeOfCorePatternIsReportedWithBothValues()
      throws IOException {
    assertEquals(List.of(), watch.pass(NOW));
    write("proc/sys/kernel/core_pattern", "|/tmp/x %p\n");
    List<Event> events = watch.pass(NOW);
    assertEquals(
        List.of(
            new HostFileChanged(
                NOW,
                "host_watch",
                "core_pattern",
                root.resolve("proc/sys/kernel/core_pattern").toString(),
                Optional.of("core"),
                "|/tmp/x %p",
                Optional.empty())),
        events);
    assertEquals(List.of(), watch.pass(NOW), "reported once");
  }

  @Test
  void aHostHierarchysReleaseAgentSetIsBlamedOnTheContainerThatMountedIt() throws IOException {
    running.add(container("abc", 4242));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO);
    assertEquals(List.of(), watch.pass(NOW), "Docker's own cgroup mounts are the baseline");
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + MEMORY_AT_TMP);
    write("sys/fs/cgroup/memory/release_agent", "/evil\n");
    List<Event> events = watch.pass(NOW);
    assertEquals(2, events.size(), events.toString());
    ContainerMountAdded mount = (ContainerMountAdded) events.get(0);
    assertEquals("/tmp/mem", mount.mountPoint());
    assertEquals("memory", mount.options());
    HostFileChanged agent = (HostFileChanged) events.get(1);
    assertEquals("release_agent", agent.kind());
    assertEquals("/evil", agent.current());
    assertEquals("abc", agent.container().orElseThrow().id());
  }

  @Test
  void aHierarchyOnlyTheContainerMountsIsReadThroughItsRootAndASetAgentIsReportedAtFirstSight()
      throws IOException {
    running.add(container("abc", 4242));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO);
    watch.pass(NOW);
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + NET_CLS_AT_TMP);
    write("proc/4242/root/tmp/cgrp/release_agent", "/x\n");
    write("proc/4242/root/tmp/cgrp/x/notify_on_release", "1\n");
    write("proc/4242/root/tmp/cgrp/y/notify_on_release", "0\n");
    List<Event> events = watch.pass(NOW);
    assertEquals(
        List.of("container_mount", "host_file_change", "host_file_change"),
        events.stream().map(Event::type).toList(),
        events.toString());
    HostFileChanged agent = (HostFileChanged) events.get(1);
    assertEquals(Optional.empty(), agent.previous());
    assertEquals("/x", agent.current());
    assertEquals("notify_on_release", ((HostFileChanged) events.get(2)).kind());
    write("proc/4242/root/tmp/cgrp/y/notify_on_release", "1\n");
    List<Event> later = watch.pass(NOW);
    assertEquals(1, later.size(), later.toString());
    assertEquals(Optional.of("0"), ((HostFileChanged) later.get(0)).previous());
  }

  @Test
  void oneWriteInAHierarchyTwoContainersMountIsReportedOnce() throws IOException {
    // Both containers' roots show the same hierarchy (one file system): here one directory, linked
    // twice.
    running.add(container("abc", 4242));
    running.add(container("def", 4343));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + NET_CLS_AT_TMP);
    write("proc/4343/mountinfo", CONTAINER_MOUNTINFO + NET_CLS_AT_TMP);
    write("shared/tmp/cgrp/release_agent", "\n");
    Files.createSymbolicLink(root.resolve("proc/4242/root"), root.resolve("shared"));
    Files.createSymbolicLink(root.resolve("proc/4343/root"), root.resolve("shared"));
    watch.pass(NOW);
    write("shared/tmp/cgrp/release_agent", "/evil\n");
    List<Event> changes =
        watch.pass(NOW).stream().filter(e -> e instanceof HostFileChanged).toList();
    assertEquals(1, changes.size(), changes.toString());
    assertEquals("/evil", ((HostFileChanged) changes.get(0)).current());
    assertEquals(
        List.of(), watch.pass(NOW), "and not again at the next pass through the other mount");
  }

  @Test
  void aCgroupMountOutsideSysFsCgroupIsReportedEvenAtTheFirstRead() throws IOException {
    running.add(container("abc", 4242));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + NET_CLS_AT_TMP);
    List<Event> events = watch.pass(NOW);
    assertTrue(
        events.stream()
            .anyMatch(
                e -> e instanceof ContainerMountAdded m && m.mountPoint().equals("/tmp/cgrp")),
        events.toString());
    assertTrue(
        watch.pass(NOW).stream().noneMatch(e -> e instanceof ContainerMountAdded), "reported once");
  }

  /**
   * The host's cgroup mounts as a container with {@code -v /:/host:ro} sees them: they came with
   * the bind.
   */
  private static final String HOST_ROOT_BIND_MOUNTINFO =
      "700 600 0:29 / /host/sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory\n"
          + "701 600 0:33 / /host/sys/fs/cgroup/unified ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n";

  private static ContainerInfo withBind(
      String id, long initPid, String source, String destination) {
    return new ContainerInfo(
        id,
        "web",
        "img:1",
        "sha256:1",
        Map.of(),
        false,
        List.of(),
        List.of(),
        List.of(new MountInfo("bind", source, destination, false)),
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(initPid),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  private static List<String> mountsReported(List<Event> events) {
    return events.stream()
        .filter(e -> e instanceof ContainerMountAdded)
        .map(e -> ((ContainerMountAdded) e).mountPoint())
        .toList();
  }

  @Test
  void theHostsCgroupMountsBroughtByABindOfTheHostRootAreNotTheContainersAct() throws IOException {
    running.add(withBind("abc", 4242, "/", "/host"));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + HOST_ROOT_BIND_MOUNTINFO);
    assertEquals(List.of(), mountsReported(watch.pass(NOW)));
    assertEquals(List.of(), mountsReported(watch.pass(NOW)));
  }

  @Test
  void dockersOwnMountInTheContainersRootFileSystemSeenThroughTheBindIsNotTheContainersAct()
      throws IOException {
    running.add(withBind("abc", 4242, "/", "/host"));
    // Recorded here with -v /:/host:ro (vfs driver): runc had mounted the container's cgroups in
    // its
    // rootfs before it bound the host's root, so the copy shows them under Docker's data directory.
    write(
        "proc/4242/mountinfo",
        CONTAINER_MOUNTINFO
            + HOST_ROOT_BIND_MOUNTINFO
            + "702 600 0:29 /docker/abc /host/var/lib/docker/vfs/dir/b604/sys/fs/cgroup/memory ro,relatime - cgroup cgroup rw,memory\n"
            // the same place, but the whole hierarchy: a mount of the container's own, not Docker's
            + "703 600 0:29 / /host/var/lib/docker/vfs/dir/b604/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n");
    assertEquals(
        List.of("/host/var/lib/docker/vfs/dir/b604/sys/fs/cgroup/memory"),
        mountsReported(watch.pass(NOW)));
  }

  @Test
  void aBindOfTheHostsSysBringsTheSameMountsUnderAnotherPlace() throws IOException {
    running.add(withBind("abc", 4242, "/sys/", "/hostsys"));
    write(
        "proc/4242/mountinfo",
        CONTAINER_MOUNTINFO
            + "700 600 0:29 / /hostsys/fs/cgroup/memory ro,relatime - cgroup cgroup rw,memory\n");
    assertEquals(List.of(), mountsReported(watch.pass(NOW)));
  }

  @Test
  void underAHostBindWhatTheHostDoesNotMountThereIsStillReported() throws IOException {
    running.add(withBind("abc", 4242, "/", "/host"));
    // net_cls is no host mount; memory is, but not at /host/tmp/mem's host place /tmp/mem
    write(
        "proc/4242/mountinfo",
        CONTAINER_MOUNTINFO
            + HOST_ROOT_BIND_MOUNTINFO
            + "43 67 0:48 / /host/tmp/cgrp rw,relatime - cgroup cgroup rw,net_cls\n"
            + "44 67 0:29 / /host/tmp/mem rw,relatime - cgroup cgroup rw,memory\n");
    assertEquals(List.of("/host/tmp/cgrp", "/host/tmp/mem"), mountsReported(watch.pass(NOW)));
  }

  @Test
  void aMountStackedOnOneTheBindBroughtIsTheContainersOwn() throws IOException {
    running.add(withBind("abc", 4242, "/", "/host"));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + HOST_ROOT_BIND_MOUNTINFO);
    assertEquals(List.of(), mountsReported(watch.pass(NOW)));
    write(
        "proc/4242/mountinfo",
        CONTAINER_MOUNTINFO
            + HOST_ROOT_BIND_MOUNTINFO
            + "45 700 0:29 / /host/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n");
    assertEquals(
        List.of("/host/sys/fs/cgroup/memory"),
        mountsReported(watch.pass(NOW)),
        "mounted after the first read");
  }

  @Test
  void aMountStackedOnOneTheBindBroughtIsReportedEvenAtTheFirstRead() throws IOException {
    running.add(withBind("abc", 4242, "/", "/host"));
    write(
        "proc/4242/mountinfo",
        CONTAINER_MOUNTINFO
            + HOST_ROOT_BIND_MOUNTINFO
            + "45 700 0:29 / /host/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n");
    assertEquals(List.of("/host/sys/fs/cgroup/memory"), mountsReported(watch.pass(NOW)));
  }

  @Test
  void filesOfAGoneContainerOrCgroupAreForgotten() throws IOException {
    running.add(container("abc", 4242));
    write("proc/4242/mountinfo", CONTAINER_MOUNTINFO + NET_CLS_AT_TMP);
    write("proc/4242/root/tmp/cgrp/release_agent", "\n");
    write("proc/4242/root/tmp/cgrp/x/notify_on_release", "0\n");
    write("proc/4242/root/tmp/cgrp/y/notify_on_release", "0\n");
    watch.pass(NOW);
    assertEquals(
        2 + 3,
        watch.remembered(),
        "core_pattern, the host's release_agent, and three through the container");
    Files.delete(root.resolve("proc/4242/root/tmp/cgrp/y/notify_on_release"));
    Files.delete(root.resolve("proc/4242/root/tmp/cgrp/y"));
    watch.pass(NOW);
    assertEquals(2 + 2, watch.remembered(), "the removed cgroup is forgotten");
    running.clear(); // the container stopped: its pid's paths are not read again
    watch.pass(NOW);
    assertEquals(2, watch.remembered(), "only the host's files stay");
  }

  @Test
  void pastTheCapContainerFilesAreNotRememberedButStillReportedWhenSet() throws IOException {
    running.add(container("abc", 4242));
    StringBuilder mountinfo = new StringBuilder(CONTAINER_MOUNTINFO);
    for (int m = 0; m < 17; m++) { // 17 mounts of 64 cgroups each: more than the cap
      mountinfo
          .append(50 + m)
          .append(" 67 0:48 / /tmp/c")
          .append(m)
          .append(" rw,relatime - cgroup cgroup rw,net_cls\n");
      write("proc/4242/root/tmp/c" + m + "/release_agent", "\n");
      for (int child = 0; child < 64; child++) {
        write("proc/4242/root/tmp/c" + m + "/g" + child + "/notify_on_release", "0\n");
      }
    }
    write("proc/4242/mountinfo", mountinfo.toString());
    watch.pass(NOW);
    assertEquals(2 + HostWatch.MAX_CONTAINER_FILES, watch.remembered());
    long full = watch.counters().get("watch_full");
    assertEquals(
        17 * 65 - HostWatch.MAX_CONTAINER_FILES, full, "each file not remembered is counted");

    // a new mount with its release agent set, and the host's core_pattern changed, while the cap is
    // reached
    write(
        "proc/4242/mountinfo",
        mountinfo + "90 67 0:49 / /tmp/late rw,relatime - cgroup cgroup rw,net_prio\n");
    write("proc/4242/root/tmp/late/release_agent", "/evil\n");
    write("proc/sys/kernel/core_pattern", "|/tmp/x %p\n");
    List<Event> events = watch.pass(NOW);
    assertTrue(
        events.stream()
            .anyMatch(e -> e instanceof HostFileChanged h && h.kind().equals("core_pattern")),
        "host files are always remembered: " + events);
    assertTrue(
        events.stream()
            .anyMatch(e -> e instanceof HostFileChanged h && h.current().equals("/evil")),
        "fail open: the set release agent is reported: " + events);
    assertTrue(
        watch.pass(NOW).stream()
            .anyMatch(e -> e instanceof HostFileChanged h && h.current().equals("/evil")),
        "not remembered, so reported again while set");
    assertEquals(2 + HostWatch.MAX_CONTAINER_FILES, watch.remembered());
  }

  @Test
  void garbageAndMissingFilesAreCountedNotFatal() throws IOException {
    running.add(container("gone", 999));
    write("proc/self/mountinfo", "garbage\n\n- - -\n");
    Files.delete(root.resolve("proc/sys/kernel/core_pattern"));
    assertEquals(List.of(), watch.pass(NOW));
    assertTrue(watch.unreadable() >= 1, "the vanished container's mountinfo is counted");
  }

  /**
   * Lines in the kernel's /proc/modules format (proc(5): name, size, references, users, state,
   * address). Written by hand: this machine's kernel has no module support, so none could be
   * recorded here.
   */
  private static final String MODULES =
      "overlay 151552 0 - Live 0x0000000000000000\n"
          + "br_netfilter 32768 0 - Live 0x0000000000000000\n"
          + "bridge 311296 1 br_netfilter, Live 0x0000000000000000\n";

  @Test
  void aModuleThatAppearsWhileAContainersInsmodRunsIsReportedWithTheLoaderAndItsContainer()
      throws IOException {
    String id = "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
    ContainerInfo web = container(id, 4242);
    running.add(web);
    write("proc/modules", MODULES);
    assertEquals(List.of(), watch.pass(NOW), "the first read is the baseline");
    // a host modprobe and the container's insmod are alive while the module appears
    dev.dockward.proc.ProcTree tree = new dev.dockward.proc.ProcTree(root);
    tree.process(300, "modprobe", 10, "/").write(300, "comm", "modprobe\n".getBytes());
    tree.process(4500, "insmod", 20, "/docker/" + id)
        .write(4500, "comm", "insmod\n".getBytes())
        .cmdline(4500, "insmod\u0000/tmp/rootkit.ko\u0000".getBytes());
    tree.process(4501, "sh", 20, "/docker/" + id).write(4501, "comm", "sh\n".getBytes());
    write("proc/modules", "rootkit 16384 0 - Live 0x0000000000000000\n" + MODULES);
    List<Event> events = watch.pass(NOW);
    assertEquals(1, events.size());
    HostFileChanged change = (HostFileChanged) events.get(0);
    assertEquals("kernel_modules", change.kind());
    assertEquals("rootkit", change.current());
    assertEquals(Optional.empty(), change.previous());
    assertEquals(Optional.of(web), change.container());
    assertEquals("insmod /tmp/rootkit.ko", change.process().orElseThrow().cmdline());
    assertEquals(List.of(), watch.pass(NOW), "reported once");
  }

  @Test
  void aModuleLoadedOnTheHostNamesNoContainerAndAKernelWithoutModulesReportsNothing()
      throws IOException {
    assertEquals(List.of(), watch.pass(NOW)); // no /proc/modules at all: not counted as unreadable
    assertEquals(0, watch.unreadable());
    write("proc/modules", MODULES);
    watch.pass(NOW);
    // the kernel's own modprobe (for a new bridge) has ended by the time of the pass
    write("proc/modules", "xt_conntrack 16384 1 - Live 0x0000000000000000\n" + MODULES);
    List<Event> events = watch.pass(NOW);
    assertEquals(1, events.size());
    assertEquals(Optional.empty(), events.get(0).container());
    assertEquals(Optional.empty(), events.get(0).process());
    assertEquals("xt_conntrack", ((HostFileChanged) events.get(0)).current());
  }

  @Test
  void moduleNamesAreTheFirstFieldOfEachLine() {
    assertEquals(
        java.util.Set.of("overlay", "br_netfilter", "bridge"),
        KernelModuleWatch.names(MODULES + "\n"));
  }
}

package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ResourceLimits;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindMountIndexTest {
  private static final MountInfo BIND = new MountInfo("bind", "/tmp/hw/data2", "/hostetc", true);
  private static final MountInfo VOLUME =
      new MountInfo(
          "volume",
          "/var/lib/docker/volumes/fd452daac0024111a934d0dec232222b09053f8e6194f104ed680a334be7164c/_data",
          "/hostetc/cache",
          true);

  @TempDir Path root;
  private HostFs host;

  /** The inventory's view: container id to its init pid now. */
  private final Map<String, Long> initPids = new java.util.HashMap<>();

  @BeforeEach
  void recordedContainer() throws IOException {
    host = HostFs.rootedAt(root);
    // the mountinfo of a busybox container run with -v /tmp/hw/data2:/hostetc -v /hostetc/cache
    Files.createDirectories(host.pidDir(4242));
    try (InputStream in =
        getClass().getResourceAsStream("/mountinfo/container-bind-and-volume.txt")) {
      Files.write(host.pidDir(4242).resolve("mountinfo"), in.readAllBytes());
    }
    Files.writeString(
        root.resolve("self-mountinfo"),
        "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n23 22 0:5 / /proc rw - proc proc rw\n");
  }

  private BindMountIndex index() {
    return new BindMountIndex(
        host,
        () -> root.resolve("self-mountinfo"),
        id -> initPids.containsKey(id) ? OptionalLong.of(initPids.get(id)) : OptionalLong.empty());
  }

  private ContainerInfo running(String id, long initPid, List<MountInfo> mounts) {
    initPids.put(id, initPid);
    return container(id, initPid, mounts);
  }

  private static ContainerInfo container(String id, long initPid, List<MountInfo> mounts) {
    return new ContainerInfo(
        id,
        "web",
        "img:1",
        "sha256:1",
        Map.of(),
        false,
        List.of(),
        List.of(),
        mounts,
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        initPid > 0 ? OptionalLong.of(initPid) : OptionalLong.empty(),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  @Test
  void aBindMountIsFoundByItsMountIdAndAVolumeOrDockersOwnFilesAreNot() {
    BindMountIndex index = index();
    ContainerInfo web = running("c1", 4242, List.of(BIND, VOLUME));
    index.refresh(List.of(web));
    assertEquals(Optional.of(new BindMountIndex.Binding(web, BIND)), index.byMountId(86));
    assertEquals(Optional.empty(), index.byMountId(87)); // the volume inside it
    assertEquals(Optional.empty(), index.byMountId(90)); // /etc/hosts, Docker's own bind
    assertEquals(Optional.empty(), index.byMountId(69)); // the container's root
    // those are its own: their writes need no further look
    assertTrue(
        index.isContainersOwnMount(87)
            && index.isContainersOwnMount(90)
            && index.isContainersOwnMount(69));
    assertFalse(index.isContainersOwnMount(86));
    assertFalse(index.isContainersOwnMount(12345));
  }

  @Test
  void theContainersRootMountIsToldFromItsVolumesAndDockersFiles() {
    BindMountIndex index = index();
    ContainerInfo web = running("c1", 4242, List.of(BIND, VOLUME));
    index.refresh(List.of(web));
    assertEquals(Optional.of("c1"), index.rootOf(69));
    assertEquals(Optional.empty(), index.rootOf(87)); // the volume
    assertEquals(Optional.empty(), index.rootOf(90)); // /etc/hosts
    assertEquals(Optional.empty(), index.rootOf(86)); // the bind mount
    assertTrue(index.mayBeRoot(69));
    assertFalse(index.mayBeRoot(87) || index.mayBeRoot(90) || index.mayBeRoot(86));
    assertTrue(index.mayBeRoot(12345)); // never indexed: unknown
    initPids.put("c1", 5555L); // restarted: the old mount ids say nothing any more
    assertEquals(Optional.empty(), index.rootOf(69));
  }

  @Test
  void theHostsOwnMountsAreKnownAfterARefresh() {
    BindMountIndex index = index();
    assertFalse(index.isHostMount(22));
    index.refreshHost();
    assertTrue(index.isHostMount(22));
    assertFalse(index.isHostMount(86));
  }

  @Test
  void anEntryCountsOnlyWhileItsContainerRunsWithTheSameInitProcess() {
    BindMountIndex index = index();
    index.refresh(List.of(running("c1", 4242, List.of(BIND))));
    assertTrue(index.byMountId(86).isPresent());
    // stopped (the inventory knows it before the next refresh): the kernel may give 86 to another
    // mount now
    initPids.remove("c1");
    assertEquals(Optional.empty(), index.byMountId(86));
    assertFalse(index.isContainersOwnMount(69));
    // restarted with another init process: its mounts are new, read again at the next refresh
    initPids.put("c1", 4243L);
    assertEquals(Optional.empty(), index.byMountId(86));
    index.refresh(List.of());
    assertEquals(Optional.empty(), index.byMountId(86));
  }

  @Test
  void aContainerGoneBeforeItsMountinfoIsReadIsCountedAndLeftToTheWritersCgroup() {
    BindMountIndex index = index();
    index.refresh(List.of(running("c2", 999, List.of(BIND))));
    assertEquals(1, index.unreadable());
    assertEquals(Optional.empty(), index.byMountId(86));
  }
}

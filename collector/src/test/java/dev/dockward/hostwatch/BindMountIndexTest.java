package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ResourceLimits;
import dev.dockward.hostfs.HostFs;
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
  private static final long SECOND = 1_000_000_000L;
  private static final MountInfo BIND = new MountInfo("bind", "/tmp/hw/data2", "/hostetc", true);
  private static final MountInfo VOLUME = new MountInfo("volume",
      "/var/lib/docker/volumes/fd452daac0024111a934d0dec232222b09053f8e6194f104ed680a334be7164c/_data",
      "/hostetc/cache", true);

  @TempDir
  Path root;
  private HostFs host;

  @BeforeEach
  void recordedContainer() throws IOException {
    host = HostFs.rootedAt(root);
    // the mountinfo of a busybox container run with -v /tmp/hw/data2:/hostetc -v /hostetc/cache
    Files.createDirectories(host.pidDir(4242));
    try (InputStream in = getClass().getResourceAsStream("/mountinfo/container-bind-and-volume.txt")) {
      Files.write(host.pidDir(4242).resolve("mountinfo"), in.readAllBytes());
    }
    Files.writeString(root.resolve("self-mountinfo"),
        "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n23 22 0:5 / /proc rw - proc proc rw\n");
  }

  private static ContainerInfo container(String id, long initPid, List<MountInfo> mounts) {
    return new ContainerInfo(id, "web", "img:1", "sha256:1", Map.of(), false, List.of(), List.of(), mounts,
        NamespaceModes.DEFAULT, List.of(), ResourceLimits.NONE, initPid > 0 ? OptionalLong.of(initPid)
        : OptionalLong.empty(), Map.of(), Optional.empty(), List.of());
  }

  @Test
  void aBindMountIsFoundByItsMountIdAndAVolumeOrDockersOwnFilesAreNot() {
    BindMountIndex index = new BindMountIndex(host, root.resolve("self-mountinfo"));
    ContainerInfo web = container("c1", 4242, List.of(BIND, VOLUME));
    index.refresh(List.of(web), 0);
    assertEquals(Optional.of(new BindMountIndex.Binding(web, BIND)), index.byMountId(86));
    assertEquals(Optional.empty(), index.byMountId(87)); // the volume inside it
    assertEquals(Optional.empty(), index.byMountId(90)); // /etc/hosts, Docker's own bind
    assertEquals(Optional.empty(), index.byMountId(69)); // the container's root
    // those are its own: their writes need no further look
    assertTrue(index.isContainersOwnMount(87) && index.isContainersOwnMount(90) && index.isContainersOwnMount(69));
    assertFalse(index.isContainersOwnMount(86));
  }

  @Test
  void theHostsOwnMountsAreKnownAfterARefresh() {
    BindMountIndex index = new BindMountIndex(host, root.resolve("self-mountinfo"));
    assertFalse(index.isHostMount(22));
    index.refreshHost();
    assertTrue(index.isHostMount(22));
    assertFalse(index.isHostMount(86));
  }

  @Test
  void aStoppedContainerStaysIndexedForAWhileThenItsMountIdsAreForgotten() {
    BindMountIndex index = new BindMountIndex(host, root.resolve("self-mountinfo"));
    index.refresh(List.of(container("c1", 4242, List.of(BIND))), 0);
    index.refresh(List.of(), 5 * SECOND); // stopped: its last writes may still be read
    assertTrue(index.byMountId(86).isPresent());
    index.refresh(List.of(), 11 * SECOND); // mount ids are reused by then
    assertEquals(Optional.empty(), index.byMountId(86));
    assertFalse(index.isContainersOwnMount(69));
  }

  @Test
  void aContainerGoneBeforeItsMountinfoIsReadIsCountedAndLeftToTheWritersCgroup() {
    BindMountIndex index = new BindMountIndex(host, root.resolve("self-mountinfo"));
    index.refresh(List.of(container("c2", 999, List.of(BIND))), 0);
    assertEquals(1, index.unreadable());
    assertEquals(Optional.empty(), index.byMountId(86));
  }
}

package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.cgroup.MountEntry;
import dev.dockward.cgroup.MountInfoParser;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerMountAdded;
import dev.dockward.event.Event;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ResourceLimits;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceMountWatchTest {
  private static final Instant T = Instant.parse("2026-12-07T16:50:00Z");
  private static final String ID =
      "91ca455898d23c3b17c921fa8f8423ed6ef4eb4b2bcc1f0d85fc60b6b0108e87";

  @TempDir Path root;
  private DeviceMountWatch watch;
  private List<MountEntry> host;

  @BeforeEach
  void hostWithTwoBlockDevices() throws IOException {
    // the recording host's block devices: its disk (254:0) and the loop device (7:0)
    Files.createDirectories(root.resolve("sys/dev/block/254:0"));
    Files.createDirectories(root.resolve("sys/dev/block/7:0"));
    watch = new DeviceMountWatch(HostFs.rootedAt(root));
    host = MountInfoParser.mounts(fixture("host-with-docker.txt"));
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = DeviceMountWatchTest.class.getResourceAsStream("/mountinfo/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The recorded mountinfo without its last {@code n} lines. */
  private static String withoutLast(String mountinfo, int n) {
    String[] lines = mountinfo.split("\n");
    return String.join("\n", Arrays.copyOf(lines, lines.length - n)) + "\n";
  }

  private static ContainerInfo container(List<MountInfo> mounts) {
    return new ContainerInfo(
        ID,
        "disk",
        "dockward/busybox:test",
        "sha256:1",
        Map.of(),
        false,
        List.of("SYS_ADMIN"),
        List.of(),
        mounts,
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(4242),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  private List<Event> pass(ContainerInfo c, int pid, String mountinfo) {
    List<Event> out = new ArrayList<>();
    watch.container(c, pid, MountInfoParser.mounts(mountinfo), host, T, out);
    return out;
  }

  private static List<String> described(List<Event> events) {
    return events.stream()
        .map(e -> (ContainerMountAdded) e)
        .map(
            m ->
                m.fsType()
                    + " "
                    + m.mountPoint()
                    + " "
                    + m.device().map(d -> d.name() + " " + d.number()).orElse("-"))
        .toList();
  }

  @Test
  void aDiskAndDebugfsMountedAfterTheFirstReadAreReportedOnce() throws IOException {
    String recorded = fixture("container-loop-disk-and-debugfs.txt");
    ContainerInfo c = container(List.of());
    assertEquals(
        List.of(), pass(c, 4242, withoutLast(recorded, 2))); // Docker's root and files: its own
    assertEquals(
        List.of("ext2 /mnt/d /dev/xdisk 7:0", "debugfs /mnt/dbg -"),
        described(pass(c, 4242, recorded)));
    assertEquals(List.of(), pass(c, 4242, recorded)); // still mounted: said already
    assertEquals(List.of(), pass(c, 4242, withoutLast(recorded, 2))); // unmounted
    assertEquals(2, pass(c, 4242, recorded).size()); // mounted again: news again
  }

  @Test
  void mountsMadeBeforeTheFirstReadAreReportedUnlessDockerPutThemThere() throws IOException {
    List<Event> out =
        pass(container(List.of()), 4242, fixture("container-loop-disk-and-debugfs.txt"));
    assertEquals(List.of("ext2 /mnt/d /dev/xdisk 7:0", "debugfs /mnt/dbg -"), described(out));
    // the same disk given as a volume's destination is Docker's doing
    ContainerInfo withMount =
        container(List.of(new MountInfo("bind", "/srv/disk", "/mnt/d", true)));
    watch = new DeviceMountWatch(HostFs.rootedAt(root));
    assertEquals(
        List.of("debugfs /mnt/dbg -"),
        described(pass(withMount, 4242, fixture("container-loop-disk-and-debugfs.txt"))));
  }

  @Test
  void theHostsMountsThatABindOfTheRootBroughtAreNotTheContainers() throws IOException {
    ContainerInfo c = container(List.of(new MountInfo("bind", "/", "/host", false)));
    String recorded = fixture("container-host-root-bind.txt");
    // /host itself, the host's /var/lib/docker under it, and the container's own root shown again
    // there
    assertEquals(List.of(), pass(c, 4242, recorded));
    // the host mounts a disk later: it propagates into /host (rslave), still not the container's
    // act
    String usb = "200 66 7:0 / /host/mnt/usb rw,relatime master:1 - ext2 /dev/loop0 rw\n";
    host = new ArrayList<>(host);
    host.add(new MountEntry(201, "7:0", "/", "/mnt/usb", "ext2", "/dev/loop0", "rw"));
    assertEquals(List.of(), pass(c, 4242, recorded + usb));
    // the container mounts the same disk elsewhere below /host, where the host has nothing: its own
    // act
    String own = "202 66 7:0 / /host/tmp/x rw,relatime - ext2 /dev/loop0 rw\n";
    assertEquals(
        List.of("ext2 /host/tmp/x /dev/loop0 7:0"), described(pass(c, 4242, recorded + usb + own)));
  }

  @Test
  void aRestartedContainerIsReadAfresh() throws IOException {
    String recorded = fixture("container-loop-disk-and-debugfs.txt");
    ContainerInfo c = container(List.of());
    pass(c, 4242, withoutLast(recorded, 2));
    assertEquals(2, pass(c, 4242, recorded).size());
    // a new init process: a new first read, where the disk is not in Docker's place
    assertEquals(2, pass(c, 5555, recorded).size());
    watch.retain(java.util.Set.of());
    assertEquals(2, pass(c, 5555, recorded).size()); // forgotten once it stopped
  }
}

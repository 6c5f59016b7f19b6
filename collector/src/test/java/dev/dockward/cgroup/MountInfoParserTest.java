package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountInfoParserTest {

  @Test
  void recordedHybridHostHasSeparateCpuAndCpuacctAndAnEmptyCgroup2() {
    List<CgroupMount> mounts =
        MountInfoParser.cgroupMounts(CgroupFixtures.text("/cgroup/v1/hybrid/proc/self/mountinfo"));
    assertEquals(10, mounts.size(), mounts::toString);
    assertTrue(mounts.contains(new CgroupMount(1, Set.of("cpu"), "/", "/sys/fs/cgroup/cpu")));
    assertTrue(
        mounts.contains(new CgroupMount(1, Set.of("cpuacct"), "/", "/sys/fs/cgroup/cpuacct")));
    assertTrue(
        mounts.contains(new CgroupMount(1, Set.of("name=systemd"), "/", "/sys/fs/cgroup/systemd")));
    assertTrue(mounts.contains(new CgroupMount(2, Set.of(), "/", "/sys/fs/cgroup/unified")));
  }

  @Test
  void jointControllersOptionalFieldsAndEscapedPaths() {
    String text =
        """
        30 23 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 master:2 - cgroup cgroup rw,cpu,cpuacct
        31 23 0:27 /sub /mnt/my\\040cgroups rw shared:10 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        32 23 0:28 / /proc rw - proc proc rw
        garbage line
        """;
    assertEquals(
        List.of(
            new CgroupMount(1, Set.of("cpu", "cpuacct"), "/", "/sys/fs/cgroup/cpu,cpuacct"),
            new CgroupMount(2, Set.of(), "/sub", "/mnt/my cgroups")),
        MountInfoParser.cgroupMounts(text));
  }
}

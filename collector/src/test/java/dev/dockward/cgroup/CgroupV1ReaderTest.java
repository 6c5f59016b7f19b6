package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ResourceCounters;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the tree recorded on the development machine (see the fixture's README). */
class CgroupV1ReaderTest {
  static final String LIMITED = "e6176b7f3582a7929a5794d33333063d9732e31e1adffc983e88d3c33f85cdeb";
  static final int LIMITED_PID = 20623;
  static final String PLAIN = "3f0b32e82691a9fd6a44dd26470c7df8ac9f780c7b60a4f42ade5b23d7551cf4";
  static final int PLAIN_PID = 20799;

  @TempDir Path tmp;

  static Path recorded() {
    try {
      return Path.of(CgroupV1ReaderTest.class.getResource("/cgroup/v1/hybrid").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<CgroupLine> lines(Path root, int pid) throws IOException {
    return ProcCgroupParser.parse(Files.readString(root.resolve("proc/" + pid + "/cgroup")))
        .orElseThrow();
  }

  private static CgroupReader reader(Path root) {
    return CgroupReaders.forHost(HostFs.rootedAt(root)).orElseThrow();
  }

  @Test
  void hybridHostGetsTheV1Reader() {
    assertEquals(1, reader(recorded()).version());
  }

  @Test
  void limitedContainerAsRecorded() throws IOException {
    CgroupReader reader = reader(recorded());
    ResourceCounters c = reader.read(lines(recorded(), LIMITED_PID)).orElseThrow();
    assertEquals(1, c.cgroupVersion());
    assertEquals(
        new ResourceCounters.Cpu(
            OptionalLong.of(1618197201L),
            OptionalLong.of(50000),
            OptionalLong.of(100000),
            OptionalLong.of(38),
            OptionalLong.of(31),
            OptionalLong.of(1518940272L)),
        c.cpu());
    assertEquals(
        new ResourceCounters.Memory(
            OptionalLong.of(643072),
            OptionalLong.of(33554432),
            OptionalLong.of(90),
            OptionalLong.of(1)),
        c.memory());
    assertEquals(
        new ResourceCounters.Pids(OptionalLong.of(11), OptionalLong.of(12), OptionalLong.of(1)),
        c.pids());
    assertEquals(
        ResourceCounters.Io.NONE, c.io(), "v1 blkio without device lines is no figure, not 0");
    assertEquals(
        0,
        reader.stats().missing() + reader.stats().parseErrors() + reader.stats().unreadable(),
        reader.stats()::toString);
  }

  @Test
  void plainContainerHasNoLimits() throws IOException {
    ResourceCounters c = reader(recorded()).read(lines(recorded(), PLAIN_PID)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.cpu().quotaMicros(), "-1 is no quota");
    assertEquals(
        OptionalLong.empty(), c.memory().limitBytes(), "the page-rounded LONG_MAX is no limit");
    assertEquals(OptionalLong.empty(), c.pids().limit(), "'max' is no limit");
    assertEquals(OptionalLong.of(21695736), c.cpu().usageNanos());
    assertEquals(OptionalLong.of(0), c.memory().oomKills());
    assertEquals(OptionalLong.of(0), c.pids().forkRefusals());
  }

  @Test
  void vanishedCgroupIsEmptyAndCounted() throws IOException {
    List<CgroupLine> gone =
        ProcCgroupParser.parse(
                Files.readString(recorded().resolve("proc/" + PLAIN_PID + "/cgroup"))
                    .replace(PLAIN, "f".repeat(64)))
            .orElseThrow();
    CgroupReader reader = reader(recorded());
    assertTrue(reader.read(gone).isEmpty());
    assertEquals(1, reader.stats().vanished());
  }

  @Test
  void garbageAndMissingFilesAreCountedAndLeaveOnlyTheirFigureOut() throws IOException {
    Path root = copy(recorded(), tmp.resolve("host"));
    Path memory = root.resolve("sys/fs/cgroup/memory/docker/" + LIMITED);
    Files.writeString(memory.resolve("memory.usage_in_bytes"), "lots\n");
    Files.delete(memory.resolve("memory.failcnt"));
    Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
    CgroupReader reader = reader(root);
    ResourceCounters c = reader.read(lines(root, LIMITED_PID)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.memory().usageBytes());
    assertEquals(OptionalLong.empty(), c.memory().failcnt());
    assertEquals(
        OptionalLong.empty(), c.memory().oomKills(), "a kernel without oom_kill: unknown, not 0");
    assertEquals(OptionalLong.of(33554432), c.memory().limitBytes());
    assertEquals(OptionalLong.of(11), c.pids().current());
    assertEquals(1, reader.stats().parseErrors());
    assertEquals(2, reader.stats().missing());
  }

  @Test
  void negativeEmptyAndBinaryFilesAreGarbageNeverANegativeFigure() throws IOException {
    Path root = copy(recorded(), tmp.resolve("bad"));
    Path memory = root.resolve("sys/fs/cgroup/memory/docker/" + LIMITED);
    Path pids = root.resolve("sys/fs/cgroup/pids/docker/" + LIMITED);
    Files.writeString(pids.resolve("pids.current"), "-3\n");
    Files.writeString(memory.resolve("memory.failcnt"), "");
    Files.write(
        memory.resolve("memory.usage_in_bytes"), new byte[] {(byte) 0xff, (byte) 0xfe, '1', '\n'});
    Files.writeString(
        memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill -1\n");
    CgroupReader reader = reader(root);
    ResourceCounters c = reader.read(lines(root, LIMITED_PID)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.pids().current());
    assertEquals(OptionalLong.empty(), c.memory().failcnt());
    assertEquals(OptionalLong.empty(), c.memory().usageBytes());
    assertEquals(OptionalLong.empty(), c.memory().oomKills());
    assertEquals(OptionalLong.of(12), c.pids().limit(), "the other figures are still read");
    assertEquals(3, reader.stats().parseErrors(), reader.stats()::toString);
    assertEquals(1, reader.stats().unreadable(), reader.stats()::toString);
  }

  @Test
  void minusOneIsNoQuotaButOtherNegativeQuotasAreNoneToo() throws IOException {
    Path root = copy(recorded(), tmp.resolve("quota"));
    Path cpu = root.resolve("sys/fs/cgroup/cpu/docker/" + LIMITED);
    Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "-1\n");
    CgroupReader reader = reader(root);
    assertEquals(
        OptionalLong.empty(),
        reader.read(lines(root, LIMITED_PID)).orElseThrow().cpu().quotaMicros());
    assertEquals(0, reader.stats().parseErrors(), "-1 is what the kernel writes");
    Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "max\n");
    assertEquals(
        OptionalLong.empty(),
        reader.read(lines(root, LIMITED_PID)).orElseThrow().cpu().quotaMicros());
    assertEquals(1, reader.stats().parseErrors(), "v1 never writes max: garbage");
  }

  @Test
  void jointCpuAndCpuacctHierarchy() throws IOException {
    Path root = tmp.resolve("joint");
    Files.createDirectories(root.resolve("proc/self"));
    Files.createDirectories(root.resolve("proc/42"));
    Files.writeString(
        root.resolve("proc/self/mountinfo"),
        """
        30 23 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
        31 23 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory
        """);
    String id = "a".repeat(64);
    Files.writeString(
        root.resolve("proc/42/cgroup"),
        "3:memory:/docker/" + id + "\n2:cpu,cpuacct:/docker/" + id + "\n");
    Path cpu = Files.createDirectories(root.resolve("sys/fs/cgroup/cpu,cpuacct/docker/" + id));
    Files.writeString(cpu.resolve("cpuacct.usage"), "777000111\n");
    Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "150000\n");
    Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000\n");
    Files.writeString(
        cpu.resolve("cpu.stat"), "nr_periods 9\nnr_throttled 4\nthrottled_time 4242\n");
    Files.createDirectories(root.resolve("sys/fs/cgroup/memory/docker/" + id));
    CgroupReader reader = reader(root);
    ResourceCounters c = reader.read(lines(root, 42)).orElseThrow();
    assertEquals(
        new ResourceCounters.Cpu(
            OptionalLong.of(777000111),
            OptionalLong.of(150000),
            OptionalLong.of(100000),
            OptionalLong.of(9),
            OptionalLong.of(4),
            OptionalLong.of(4242)),
        c.cpu());
    assertEquals(OptionalLong.empty(), c.pids().current(), "no pids hierarchy mounted: no figure");
  }

  @Test
  void blkioDeviceLinesAreSummed() throws IOException {
    Path root = copy(recorded(), tmp.resolve("io"));
    Files.writeString(
        root.resolve("sys/fs/cgroup/blkio/docker/" + LIMITED + "/blkio.throttle.io_service_bytes"),
        """
        8:0 Read 4096
        8:0 Write 1000
        8:0 Sync 5096
        8:0 Async 0
        8:0 Discard 0
        8:0 Total 5096
        8:16 Read 1
        8:16 Write 2
        Total 5099
        """);
    ResourceCounters c = reader(root).read(lines(root, LIMITED_PID)).orElseThrow();
    assertEquals(new ResourceCounters.Io(OptionalLong.of(4097), OptionalLong.of(1002)), c.io());
  }

  @Test
  void throttleCapsAreMatchedWithTheirDevicesBytes() throws IOException {
    Path root = copy(recorded(), tmp.resolve("caps"));
    Path dir = root.resolve("sys/fs/cgroup/blkio/docker/" + LIMITED);
    // As recorded under docker run --device-write-bps /dev/vda:4mb, plus a second, uncapped device.
    Files.writeString(
        dir.resolve("blkio.throttle.io_service_bytes"),
        """
        254:0 Read 0
        254:0 Write 21561344
        254:0 Sync 21561344
        254:0 Async 0
        254:0 Discard 0
        254:0 Total 21561344
        8:0 Read 10
        8:0 Write 20
        Total 21561374
        """);
    Files.writeString(dir.resolve("blkio.throttle.write_bps_device"), "254:0 4194304\n");
    Files.writeString(dir.resolve("blkio.throttle.read_bps_device"), "");
    CgroupReader reader = reader(root);
    ResourceCounters.Io io = reader.read(lines(root, LIMITED_PID)).orElseThrow().io();
    assertEquals(
        new ResourceCounters.Io(
            OptionalLong.of(10),
            OptionalLong.of(21561364),
            OptionalLong.empty(),
            OptionalLong.of(4194304),
            OptionalLong.empty(),
            OptionalLong.of(21561344)),
        io);
    Files.writeString(dir.resolve("blkio.throttle.write_bps_device"), "254:0 lots\n");
    long before = reader.stats().parseErrors();
    io = reader.read(lines(root, LIMITED_PID)).orElseThrow().io();
    assertEquals(OptionalLong.empty(), io.writeLimit(), "a garbage cap is no cap");
    assertEquals(before + 1, reader.stats().parseErrors());
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}

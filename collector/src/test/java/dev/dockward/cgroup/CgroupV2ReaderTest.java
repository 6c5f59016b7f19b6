package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ResourceCounters;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SYNTHETIC v2 trees, written here from the layout in the kernel's
 * Documentation/admin-guide/cgroup-v2.rst (this machine is v1 hybrid and has no v2 controllers).
 * Values are distinctive so a test cannot pass by accident.
 */
class CgroupV2ReaderTest {
  private static final String ID = "c0ffee" + "0".repeat(52) + "123456";

  /** Docker's systemd cgroup driver. */
  private static final String SCOPE = "/system.slice/docker-" + ID + ".scope";

  @TempDir Path root;
  private Path dir;

  @BeforeEach
  void writeTree() throws IOException {
    Files.createDirectories(root.resolve("proc/self"));
    Files.writeString(
        root.resolve("proc/self/mountinfo"),
        "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");
    dir = Files.createDirectories(root.resolve("sys/fs/cgroup" + SCOPE));
    write(
        "cpu.stat",
        """
        usage_usec 8765432
        user_usec 7000000
        system_usec 1765432
        nr_periods 501
        nr_throttled 77
        throttled_usec 3141592
        """);
    write("cpu.max", "25000 100000\n");
    write("memory.current", "98765432\n");
    write("memory.max", "123456789\n");
    write("memory.events", "low 0\nhigh 0\nmax 19\noom 3\noom_kill 3\noom_group_kill 0\n");
    write("pids.current", "1020\n");
    write("pids.max", "1027\n");
    write("pids.events", "max 17\n");
    write(
        "io.stat",
        "8:0 rbytes=1310720 wbytes=65536 rios=30 wios=4 dbytes=0 dios=0\n"
            + "253:1 rbytes=7 wbytes=9 rios=1 wios=1 dbytes=0 dios=0\n");
  }

  private void write(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text);
  }

  private CgroupReader reader() {
    return CgroupReaders.forHost(HostFs.rootedAt(root)).orElseThrow();
  }

  private static List<CgroupLine> lines(String path) {
    return ProcCgroupParser.parse("0::" + path + "\n").orElseThrow();
  }

  @Test
  void theQuickLookReadsCpuTimeAndMemoryInUseAloneAndCountsNothingWhenTheCgroupIsGone()
      throws IOException {
    CgroupReader r = reader();
    assertEquals(OptionalLong.of(8765432000L), r.cpuUsageNanos(lines(SCOPE)));
    assertEquals(OptionalLong.of(98765432L), r.memoryUsageBytes(lines(SCOPE)));
    assertEquals(OptionalLong.empty(), r.cpuUsageNanos(lines("/system.slice/docker-gone.scope")));
    assertEquals(
        OptionalLong.empty(), r.memoryUsageBytes(lines("/system.slice/docker-gone.scope")));
    write("memory.current", "lots\n");
    assertEquals(OptionalLong.empty(), r.memoryUsageBytes(lines(SCOPE)));
    assertEquals(
        0,
        r.stats().missing() + r.stats().unreadable() + r.stats().parseErrors(),
        "a failed quick look is followed by a whole read, which counts");
  }

  @Test
  void unifiedHostGetsTheV2Reader() {
    assertEquals(2, reader().version());
  }

  @Test
  void everyFigureOfASystemdDriverContainer() {
    CgroupReader reader = reader();
    ResourceCounters c = reader.read(lines(SCOPE)).orElseThrow();
    assertEquals(2, c.cgroupVersion());
    assertEquals(
        new ResourceCounters.Cpu(
            OptionalLong.of(8765432000L),
            OptionalLong.of(25000),
            OptionalLong.of(100000),
            OptionalLong.of(501),
            OptionalLong.of(77),
            OptionalLong.of(3141592000L)),
        c.cpu());
    assertEquals(
        new ResourceCounters.Memory(
            OptionalLong.of(98765432),
            OptionalLong.of(123456789),
            OptionalLong.of(19),
            OptionalLong.of(3)),
        c.memory());
    assertEquals(
        new ResourceCounters.Pids(
            OptionalLong.of(1020), OptionalLong.of(1027), OptionalLong.of(17)),
        c.pids());
    assertEquals(new ResourceCounters.Io(OptionalLong.of(1310727), OptionalLong.of(65545)), c.io());
    assertEquals(
        0, reader.stats().missing() + reader.stats().parseErrors(), reader.stats()::toString);
  }

  @Test
  void maxMeansUnlimited() throws IOException {
    write("cpu.max", "max 100000\n");
    write("memory.max", "max\n");
    write("pids.max", "max\n");
    CgroupReader reader = reader();
    ResourceCounters c = reader.read(lines(SCOPE)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.cpu().quotaMicros());
    assertEquals(OptionalLong.of(100000), c.cpu().periodMicros());
    assertEquals(OptionalLong.empty(), c.memory().limitBytes());
    assertEquals(OptionalLong.empty(), c.pids().limit());
    assertEquals(0, reader.stats().parseErrors(), "'max' is not garbage");
  }

  @Test
  void cgroupfsDriverPathAndCpuControllerNotEnabled() throws IOException {
    String path = "/docker/" + ID;
    dir = Files.createDirectories(root.resolve("sys/fs/cgroup" + path));
    write("cpu.stat", "usage_usec 5\nuser_usec 3\nsystem_usec 2\n");
    write("memory.current", "4096\n");
    CgroupReader reader = reader();
    ResourceCounters c = reader.read(lines(path)).orElseThrow();
    assertEquals(OptionalLong.of(5000), c.cpu().usageNanos());
    assertEquals(
        OptionalLong.empty(),
        c.cpu().throttledPeriods(),
        "no throttling keys without the cpu controller");
    assertEquals(OptionalLong.of(4096), c.memory().usageBytes());
    assertEquals(OptionalLong.empty(), c.memory().oomKills());
    assertTrue(
        reader.stats().missing() > 0, "files of controllers not enabled are counted as missing");
  }

  @Test
  void garbageIsCountedNeverZero() throws IOException {
    write("memory.current", "\n");
    write("memory.events", "oom_kill three\n");
    write("cpu.max", "fast\n");
    write("io.stat", "8:0 rbytes=lots\n");
    CgroupReader reader = reader();
    ResourceCounters c = reader.read(lines(SCOPE)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.memory().usageBytes());
    assertEquals(OptionalLong.empty(), c.memory().oomKills());
    assertEquals(OptionalLong.empty(), c.cpu().quotaMicros());
    assertEquals(ResourceCounters.Io.NONE, c.io());
    assertEquals(OptionalLong.of(1027), c.pids().limit());
    assertEquals(4, reader.stats().parseErrors(), reader.stats()::toString);
  }

  @Test
  void ioMaxCapsAreMatchedWithTheirDevicesBytes() throws IOException {
    // Write capped on 8:0 only; 253:1's writes are not measured against 8:0's cap.
    write(
        "io.max",
        "8:0 rbps=max wbps=1048576 riops=max wiops=120\n253:1 rbps=max wbps=max riops=100 wiops=max\n");
    CgroupReader reader = reader();
    ResourceCounters.Io io = reader.read(lines(SCOPE)).orElseThrow().io();
    assertEquals(
        new ResourceCounters.Io(
            OptionalLong.of(1310727),
            OptionalLong.of(65545),
            OptionalLong.empty(),
            OptionalLong.of(1048576),
            OptionalLong.empty(),
            OptionalLong.of(65536)),
        io);
    assertEquals(
        0, reader.stats().parseErrors() + reader.stats().missing(), reader.stats()::toString);
  }

  @Test
  void aCappedDeviceWithoutIoYetHasDoneNone() throws IOException {
    write("io.max", "259:0 rbps=2000 wbps=max riops=max wiops=max\n");
    ResourceCounters.Io io = reader().read(lines(SCOPE)).orElseThrow().io();
    assertEquals(OptionalLong.of(2000), io.readLimit());
    assertEquals(OptionalLong.of(0), io.limitedReadBytes());
  }

  @Test
  void garbageIoMaxLeavesTheCapsOutAndIsCounted() throws IOException {
    write("io.max", "8:0 wbps=fast\n");
    CgroupReader reader = reader();
    ResourceCounters.Io io = reader.read(lines(SCOPE)).orElseThrow().io();
    assertEquals(new ResourceCounters.Io(OptionalLong.of(1310727), OptionalLong.of(65545)), io);
    assertEquals(1, reader.stats().parseErrors(), reader.stats()::toString);
  }

  @Test
  void negativeFiguresAreGarbage() throws IOException {
    write("cpu.max", "-5 100000\n");
    write("io.stat", "8:0 rbytes=-1 wbytes=0\n");
    write("memory.max", "-1\n");
    write("pids.events", "max -2\n");
    CgroupReader reader = reader();
    ResourceCounters c = reader.read(lines(SCOPE)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.cpu().quotaMicros());
    assertEquals(ResourceCounters.Io.NONE, c.io());
    assertEquals(OptionalLong.empty(), c.memory().limitBytes());
    assertEquals(OptionalLong.empty(), c.pids().forkRefusals());
    assertEquals(4, reader.stats().parseErrors(), reader.stats()::toString);
  }

  @Test
  void aZeroPeriodIsGarbageNotADivisionByZero() throws IOException {
    write("cpu.max", "50000 0\n");
    CgroupReader reader = reader();
    ResourceCounters c = reader.read(lines(SCOPE)).orElseThrow();
    assertEquals(OptionalLong.empty(), c.cpu().quotaMicros());
    assertEquals(OptionalLong.empty(), c.cpu().periodMicros());
    assertEquals(1, reader.stats().parseErrors());
  }

  @Test
  void vanishedCgroupIsEmptyAndCounted() {
    CgroupReader reader = reader();
    assertTrue(reader.read(lines("/system.slice/docker-" + "d".repeat(64) + ".scope")).isEmpty());
    assertEquals(1, reader.stats().vanished());
  }
}

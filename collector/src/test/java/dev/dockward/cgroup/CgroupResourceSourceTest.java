package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ResourceLimits;
import dev.dockward.event.ResourceSampled;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler over a copy of the recorded v1 tree, with counters moved between samples. */
class CgroupResourceSourceTest {
  private static final String LIMITED = CgroupV1ReaderTest.LIMITED;
  private static final Instant T0 = Instant.parse("2026-11-22T18:00:00Z");

  @TempDir Path tmp;
  private Path root;
  private final MutableClock clock = new MutableClock(T0);
  private final List<ContainerInfo> running = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private CgroupResourceSource sampler;

  @BeforeEach
  void setUp() throws IOException {
    root = CgroupV1ReaderTest.copy(CgroupV1ReaderTest.recorded(), tmp.resolve("host"));
    sampler =
        new CgroupResourceSource(
            HostFs.rootedAt(root), () -> running, Duration.ofSeconds(1), clock, 2);
  }

  private static ContainerInfo container(String id, long pid, Instant startedAt) {
    ContainerInfo u = ContainerInfo.unresolved(id);
    return new ContainerInfo(
        id,
        "web",
        "nginx:1.25",
        "",
        u.labels(),
        false,
        u.capAdd(),
        u.capDrop(),
        u.mounts(),
        u.namespaces(),
        u.securityOpt(),
        u.limits(),
        OptionalLong.of(pid),
        u.networks(),
        Optional.of(startedAt),
        u.ports());
  }

  private void set(String controller, String file, String text) throws IOException {
    Files.writeString(
        root.resolve("sys/fs/cgroup/" + controller + "/docker/" + LIMITED + "/" + file), text);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> res(int index) {
    Map<String, Object> doc =
        EventDocuments.of(events.get(index), new HostInfo("h", "i"), "id-" + index);
    assertEquals("resource_sample", doc.get("type"));
    assertEquals("cgroup", doc.get("source"));
    return (Map<String, Object>) doc.get("res");
  }

  private void sampleAt(Duration since) throws InterruptedException {
    clock.now = T0.plus(since);
    sampler.sampleOnce(events::add);
  }

  @Test
  void firstSampleOfARunningContainerHasCountersButNoRates() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    assertEquals(1, events.size());
    Map<String, Object> res = res(0);
    assertEquals(1L, res.get("cgroup_version"));
    assertEquals(1618197201L, res.get("cpu_usage_ns"));
    assertEquals(0.5, res.get("cpu_limit"));
    assertEquals(33554432L, res.get("mem_limit"));
    assertEquals(643072.0 / 33554432, res.get("mem_fraction"));
    assertEquals(11L, res.get("pids"));
    assertEquals(12L, res.get("pids_limit"));
    assertEquals(1L, res.get("fork_refusals"));
    assertEquals(1L, res.get("oom_kills"));
    for (String rate :
        List.of(
            "interval",
            "cpu_usage",
            "cpu_fraction",
            "pids_growth",
            "oom_kills_new",
            "fork_refusals_new",
            "io_read_bytes")) {
      assertFalse(res.containsKey(rate), rate + " must be absent on the first sample: " + res);
    }
  }

  @Test
  void sharesOfTheHostWhateverTheContainersOwnLimits() throws Exception {
    Files.createDirectories(root.resolve("proc/sys/kernel"));
    Files.writeString(
        root.resolve("proc/meminfo"), "MemTotal:        2030108 kB\nMemFree:          123456 kB\n");
    Files.writeString(root.resolve("proc/sys/kernel/pid_max"), "4194304\n");
    Files.writeString(root.resolve("proc/sys/kernel/threads-max"), "15731\n");
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    set(
        "cpuacct",
        "cpuacct.usage",
        (1618197201L + 1_000_000_000L) + "\n"); // one core-second in two seconds
    sampleAt(Duration.ofSeconds(2));
    Map<String, Object> res = res(1);
    assertEquals(2L, res.get("host_cpus"));
    assertEquals(2030108L * 1024, res.get("host_mem"));
    assertEquals(15731L, res.get("host_tasks"), "the smaller of pid_max and threads-max");
    assertEquals(0.25, (Double) res.get("cpu_host_fraction"), 1e-9, "half a core of two");
    assertEquals(643072.0 / (2030108L * 1024), res.get("mem_host_fraction"));
    assertEquals(11.0 / 15731, res.get("pids_host_fraction"));
  }

  @Test
  void withoutTheHostsFiguresThereAreNoHostShares() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    Map<String, Object> res = res(0);
    for (String key :
        List.of("host_mem", "host_tasks", "mem_host_fraction", "pids_host_fraction")) {
      assertFalse(res.containsKey(key), key + " must be absent, never 0: " + res);
    }
  }

  @Test
  void ratesBetweenSamples() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    set(
        "cpuacct",
        "cpuacct.usage",
        (1618197201L + 1_000_000_000L) + "\n"); // one core-second in two seconds
    set("cpu", "cpu.stat", "nr_periods 58\nnr_throttled 41\nthrottled_time 1600000000\n");
    set("pids", "pids.current", "12\n");
    set("pids", "pids.events", "max 7\n");
    set("memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    sampleAt(Duration.ofSeconds(2));
    Map<String, Object> res = res(1);
    assertEquals(2.0, res.get("interval"));
    assertEquals(0.5, (Double) res.get("cpu_usage"), 1e-9);
    assertEquals(
        1.0, (Double) res.get("cpu_fraction"), 1e-9, "half a core against a half-core quota");
    assertEquals(0.5, (Double) res.get("cpu_throttled_ratio"), 1e-9);
    assertEquals(0.5, (Double) res.get("pids_growth"), 1e-9);
    assertEquals(6L, res.get("fork_refusals_new"));
    assertEquals(1L, res.get("oom_kills_new"));
  }

  @Test
  void counterResetGivesNoNegativeRate() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    set("cpuacct", "cpuacct.usage", "1000\n");
    set("pids", "pids.current", "1\n");
    set("pids", "pids.events", "max 0\n");
    set("memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    sampleAt(Duration.ofSeconds(1));
    Map<String, Object> res = res(1);
    assertFalse(res.containsKey("cpu_usage"), res::toString);
    assertFalse(res.containsKey("cpu_fraction"), res::toString);
    assertEquals(0.0, res.get("pids_growth"), "a shrinking count is no growth");
    assertEquals(0L, res.get("oom_kills_new"));
    assertEquals(0L, res.get("fork_refusals_new"));
  }

  @Test
  void containerStartedWhileSamplingCountsItsEventsFromZero() throws Exception {
    clock.now = T0;
    sampler =
        new CgroupResourceSource(
            HostFs.rootedAt(root), () -> running, Duration.ofSeconds(1), clock, 2);
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.plusMillis(300)));
    sampleAt(Duration.ofSeconds(1));
    assertEquals(1L, res(0).get("oom_kills_new"), "the kill before the first sample is not lost");
    assertEquals(1L, res(0).get("fork_refusals_new"));
  }

  @Test
  void stoppedAndVanishedContainersAreForgottenWithoutEvents() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    running.add(
        container(CgroupV1ReaderTest.PLAIN, CgroupV1ReaderTest.PLAIN_PID, T0.minusSeconds(60)));
    running.add(container("e".repeat(64), 999_999, T0.minusSeconds(60))); // its process is gone
    sampleAt(Duration.ZERO);
    assertEquals(2, events.size());
    assertEquals(2, sampler.trackedContainers());
    assertEquals(1, sampler.processGone());

    running.remove(1); // plain stopped
    deleteTree(
        root.resolve("sys/fs/cgroup/memory/docker/" + LIMITED)); // limited's cgroup goes mid-run
    deleteTree(root.resolve("sys/fs/cgroup/pids/docker/" + LIMITED));
    deleteTree(root.resolve("sys/fs/cgroup/cpuacct/docker/" + LIMITED));
    sampleAt(Duration.ofSeconds(1));
    assertEquals(2, events.size(), "no sample of a vanished cgroup");
    assertEquals(0, sampler.trackedContainers());
    assertTrue(sampler.readStats().orElseThrow().vanished() >= 1);
    assertEquals(2, sampler.samples());
    Map<String, Long> counters = sampler.counters();
    assertEquals(2L, counters.get("process_gone"), "the gone process, looked for in both rounds");
    assertEquals(sampler.readStats().orElseThrow().vanished(), counters.get("vanished"));
    assertEquals(0L, counters.get("failed_samples"));
  }

  private static final String NET_HEADER =
      "Inter-|   Receive                                                |  Transmit\n"
          + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls"
          + " carrier compressed\n    lo: 5 5 0 0 0 0 0 0 5 5 0 0 0 0 0 0\n";

  private void setNetDev(String eth0) throws IOException {
    Files.writeString(
        root.resolve("proc/" + CgroupV1ReaderTest.LIMITED_PID + "/net/dev"), NET_HEADER + eth0);
  }

  @Test
  void networkRatesOfTheContainersOwnInterfaces() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    assertEquals(200L, res(0).get("net_rx_bytes"), "the recorded eth0");
    assertFalse(res(0).containsKey("net_tx_bytes_rate"), "no rate on the first sample");
    setNetDev("  eth0: 1200 12 0 0 0 0 0 0 4000000 20000 0 0 0 0 0 0\n");
    sampleAt(Duration.ofSeconds(2));
    Map<String, Object> res = res(1);
    assertEquals(4_000_000L, res.get("net_tx_bytes"));
    assertEquals(2_000_000.0, res.get("net_tx_bytes_rate"));
    assertEquals(10_000.0, res.get("net_tx_packets_rate"));
    assertEquals(500.0, res.get("net_rx_bytes_rate"));
    assertEquals(5.0, res.get("net_rx_packets_rate"));
    setNetDev("  eth0: 0 0 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n"); // the interface was re-created
    sampleAt(Duration.ofSeconds(3));
    assertFalse(
        res(2).containsKey("net_tx_bytes_rate"),
        "a reset gives no rate, not a negative one: " + res(2));
    assertEquals(0L, sampler.counters().get("net_dev_errors"));
  }

  @Test
  void garbageOrMissingNetDevLeavesTheNetworkOutAndIsCounted() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    setNetDev("  eth0: what\n");
    sampleAt(Duration.ZERO);
    Files.delete(root.resolve("proc/" + CgroupV1ReaderTest.LIMITED_PID + "/net/dev"));
    sampleAt(Duration.ofSeconds(1));
    assertEquals(2, events.size(), "the cgroup figures are still sampled");
    assertFalse(res(0).containsKey("net_rx_bytes"), res(0)::toString);
    assertFalse(res(1).containsKey("net_rx_bytes"), res(1)::toString);
    assertEquals(2L, sampler.counters().get("net_dev_errors"));
  }

  @Test
  void aContainerInTheHostsOrAnotherContainersNetworkHasNoNetworkFigures() throws Exception {
    for (String mode : List.of("host", "container:" + "a".repeat(64))) {
      events.clear();
      running.clear();
      ContainerInfo c = container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60));
      NamespaceModes n = c.namespaces();
      running.add(
          new ContainerInfo(
              c.id(),
              c.name(),
              c.image(),
              c.imageId(),
              c.labels(),
              c.privileged(),
              c.capAdd(),
              c.capDrop(),
              c.mounts(),
              new NamespaceModes(n.pid(), mode, n.ipc(), n.uts(), n.userns(), n.cgroup()),
              c.securityOpt(),
              c.limits(),
              c.initPid(),
              c.networks(),
              c.startedAt(),
              c.ports()));
      sampleAt(Duration.ZERO);
      assertTrue(
          res(0).keySet().stream().noneMatch(k -> k.startsWith("net_")), mode + ": " + res(0));
    }
  }

  @Test
  void ioUseOfTheCappedDeviceOverItsCap() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    set("blkio", "blkio.throttle.write_bps_device", "254:0 4194304\n");
    set(
        "blkio",
        "blkio.throttle.io_service_bytes",
        "254:0 Read 0\n254:0 Write 1000000\n8:0 Write 5\nTotal 1000005\n");
    sampleAt(Duration.ZERO);
    set(
        "blkio",
        "blkio.throttle.io_service_bytes",
        "254:0 Read 0\n254:0 Write 9388608\n8:0 Write 50000005\nTotal 59388613\n"); // 4 MiB/s on
    // the capped
    // device
    set("cpuacct", "cpuacct.usage", (1618197201L + 50_000_000L) + "\n"); // the writer ran
    sampleAt(Duration.ofSeconds(2));
    Map<String, Object> res = res(1);
    assertEquals(4194304L, res.get("io_write_limit"));
    assertEquals(
        1.0,
        (Double) res.get("io_write_fraction"),
        1e-9,
        "the uncapped device's writes are not counted");
    assertEquals(29194304.0, (Double) res.get("io_write_rate"), 1e-6);
    assertFalse(res.containsKey("io_read_fraction"), "no read cap: " + res);
  }

  @Test
  void aSampleIsAResourceSampledOfTheSuppliedContainer() throws Exception {
    ContainerInfo c = container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60));
    running.add(c);
    sampleAt(Duration.ZERO);
    ResourceSampled s = (ResourceSampled) events.get(0);
    assertEquals(c, s.info());
    assertEquals(T0, s.time());
  }

  @Test
  void aContainerThatRanNothingKeepsItsCountersButItsMemoryAndTrafficAreReadAfresh()
      throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    // Its CPU time stays: values only its processes could change are not read (none could have).
    set("pids", "pids.current", "97\n");
    set("memory", "memory.usage_in_bytes", "5555555\n");
    setNetDev("  eth0: 1200 12 0 0 0 0 0 0 4000000 20000 0 0 0 0 0 0\n");
    sampleAt(Duration.ofSeconds(1));
    Map<String, Object> res = res(1);
    assertEquals(11L, res.get("pids"), "carried over: " + res);
    assertEquals(5555555.0 / 33554432, res.get("mem_fraction"), "memory in use read afresh");
    assertEquals(1000.0, res.get("net_rx_bytes_rate"), "traffic read afresh");
    assertEquals(0.0, (Double) res.get("cpu_usage"), 1e-12);
    assertEquals(1, sampler.quickSamples());
  }

  @Test
  void anIdleContainerIsReadWholeEveryTenthSample() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    set("pids", "pids.max", "40\n");
    for (int i = 1; i <= CgroupResourceSource.FULL_READ_EVERY; i++) {
      sampleAt(Duration.ofSeconds(i));
    }
    assertEquals(12L, res(CgroupResourceSource.FULL_READ_EVERY - 1).get("pids_limit"));
    assertEquals(
        40L, res(CgroupResourceSource.FULL_READ_EVERY).get("pids_limit"), "the whole read");
    assertEquals(CgroupResourceSource.FULL_READ_EVERY - 1, sampler.quickSamples());
  }

  @Test
  void otherLimitsFromDockerMeanAWholeReadAtOnce() throws Exception {
    ContainerInfo c = container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60));
    running.add(c);
    sampleAt(Duration.ZERO);
    set("pids", "pids.max", "40\n"); // docker update --pids-limit 40
    running.set(
        0,
        new ContainerInfo(
            c.id(),
            c.name(),
            c.image(),
            c.imageId(),
            c.labels(),
            c.privileged(),
            c.capAdd(),
            c.capDrop(),
            c.mounts(),
            c.namespaces(),
            c.securityOpt(),
            new ResourceLimits(
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.of(40)),
            c.initPid(),
            c.networks(),
            c.startedAt(),
            c.ports()));
    sampleAt(Duration.ofSeconds(1));
    assertEquals(40L, res(1).get("pids_limit"));
    assertEquals(0, sampler.quickSamples());
  }

  @Test
  void aContainerWhoseCpuTimeMovedIsReadWhole() throws Exception {
    running.add(container(LIMITED, CgroupV1ReaderTest.LIMITED_PID, T0.minusSeconds(60)));
    sampleAt(Duration.ZERO);
    set("cpuacct", "cpuacct.usage", (1618197201L + 1000L) + "\n");
    set("pids", "pids.current", "12\n");
    sampleAt(Duration.ofSeconds(1));
    assertEquals(12L, res(1).get("pids"));
    assertEquals(0, sampler.quickSamples());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}

package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled resources.yaml rules over sequences of resource_sample documents, one per second. */
class ResourceRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-22T18:00:00Z");
  private static final String ID = "9f2c" + "0".repeat(60);

  private final RuleEngine engine = new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());

  private static Map<String, Object> sample(long second, Map<String, Object> res) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", 1L);
    doc.put("kind", "event");
    doc.put("id", "h-" + second);
    doc.put("time", T0.plusSeconds(second).toString());
    doc.put("type", "resource_sample");
    doc.put("source", "cgroup");
    doc.put("container", Map.of("id", ID, "name", "web", "image", "nginx:1.25"));
    doc.put("res", res);
    return doc;
  }

  /** "rule@second" for every alert, feeding {@code samples} at seconds 0, 1, 2, … */
  private List<String> alerts(List<Map<String, Object>> samples) {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < samples.size(); s++) {
      for (RuleMatch m : engine.evaluate(sample(s, samples.get(s)))) {
        out.add(m.rule().id() + "@" + s);
      }
    }
    return out;
  }

  private static List<Map<String, Object>> repeat(int times, Map<String, Object> res) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      out.add(res);
    }
    return out;
  }

  private static Map<String, Object> pids(long pids, long refusalsNew, double growth) {
    return Map.of(
        "pids",
        pids,
        "pids_limit",
        64L,
        "fork_refusals",
        100L + refusalsNew,
        "fork_refusals_new",
        refusalsNew,
        "pids_growth",
        growth);
  }

  @Test
  void forkBombFiresOnceWhileForksAreRefused() {
    List<Map<String, Object>> s = new ArrayList<>(repeat(5, pids(64, 250, 0.0)));
    s.add(pids(3, 0, 0.0)); // the bomb is over
    s.add(pids(64, 40, 61.0)); // a second one
    assertEquals(List.of("fork_bomb@0", "fork_bomb@6"), alerts(s));
  }

  @Test
  void forkBombFiresOnFastGrowthWithoutALimit() {
    assertEquals(
        List.of("fork_bomb@1"),
        alerts(
            List.of(
                Map.of("pids", 10L, "pids_growth", 2.0),
                Map.of("pids", 400L, "pids_growth", 390.0))));
  }

  @Test
  void aBusyButBoundedContainerIsNoForkBomb() {
    assertEquals(List.of(), alerts(repeat(10, pids(60, 0, 20.0))));
    assertEquals(List.of(), alerts(List.of(Map.of("pids", 5L)))); // first sample: no rates at all
  }

  @Test
  void memoryExhaustionAfterTenSecondsAtNinetyFivePercent() {
    Map<String, Object> full =
        Map.of("mem_usage", 32_000_000L, "mem_limit", 33_554_432L, "mem_fraction", 0.9537);
    List<String> fired = alerts(repeat(20, full));
    assertEquals(List.of("memory_exhaustion@10"), fired);
  }

  @Test
  void memoryJustBelowTheMarkOrTooBrieflyIsNoExhaustion() {
    Map<String, Object> high =
        Map.of("mem_usage", 31_000_000L, "mem_limit", 33_554_432L, "mem_fraction", 0.9239);
    Map<String, Object> full =
        Map.of("mem_usage", 32_000_000L, "mem_limit", 33_554_432L, "mem_fraction", 0.9537);
    assertEquals(List.of(), alerts(repeat(20, high)));
    List<Map<String, Object>> flapping = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      flapping.add(i % 8 == 7 ? high : full);
    }
    assertEquals(List.of(), alerts(flapping));
    assertEquals(
        List.of(), alerts(repeat(20, Map.of("mem_usage", 32_000_000L)))); // unlimited: no fraction
  }

  @Test
  void oneOomAlertPerKillCountedFromTheCgroup() {
    assertEquals(
        List.of("container_oom_killed@2", "container_oom_killed@5"),
        alerts(
            List.of(
                Map.of("oom_kills", 0L), // first sample: nothing to compare with
                Map.of("oom_kills", 0L, "oom_kills_new", 0L),
                Map.of("oom_kills", 1L, "oom_kills_new", 1L),
                Map.of("oom_kills", 1L, "oom_kills_new", 0L),
                Map.of("oom_kills", 1L, "oom_kills_new", 0L),
                Map.of("oom_kills", 2L, "oom_kills_new", 1L))));
  }

  @Test
  void noOomAlertWithoutANewKill() {
    assertEquals(
        List.of(),
        alerts(repeat(5, Map.of("oom_kills", 3L, "oom_kills_new", 0L, "mem_fraction", 0.5))));
  }

  @Test
  void dockersOomEventsRaiseNothingThemselves() {
    Map<String, Object> oom = sample(0, Map.of());
    oom.put("type", "oom");
    oom.remove("res");
    for (int i = 0; i < 4; i++) {
      assertEquals(List.of(), engine.evaluate(oom));
    }
  }

  @Test
  void cpuSaturationAfterThirtySecondsAtNinetyPercentOfTheQuota() {
    Map<String, Object> busy = Map.of("cpu_usage", 0.48, "cpu_limit", 0.5, "cpu_fraction", 0.96);
    assertEquals(List.of("cpu_saturation@30"), alerts(repeat(40, busy)));
  }

  @Test
  void cpuSaturationOnSustainedThrottlingWhateverTheMeasuredFraction() {
    // A burner at its quota measured every 250 ms: the fraction swings 0.8–1.2, every period is
    // throttled.
    List<Map<String, Object>> s = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double fraction = i % 2 == 0 ? 0.8 : 1.2;
      s.add(
          Map.of(
              "cpu_usage",
              fraction / 2,
              "cpu_limit",
              0.5,
              "cpu_fraction",
              fraction,
              "cpu_throttled_ratio",
              1.0));
    }
    assertEquals(List.of("cpu_saturation@30"), alerts(s));
  }

  @Test
  void occasionalThrottlingIsNoSaturation() {
    assertEquals(
        List.of(),
        alerts(
            repeat(
                40,
                Map.of(
                    "cpu_usage",
                    0.3,
                    "cpu_limit",
                    0.5,
                    "cpu_fraction",
                    0.6,
                    "cpu_throttled_ratio",
                    0.2))));
  }

  @Test
  void cpuBelowTheMarkOrNotLongEnoughIsNoSaturation() {
    assertEquals(
        List.of(),
        alerts(repeat(40, Map.of("cpu_usage", 0.4, "cpu_limit", 0.5, "cpu_fraction", 0.8))));
    assertEquals(
        List.of(),
        alerts(repeat(29, Map.of("cpu_usage", 0.5, "cpu_limit", 0.5, "cpu_fraction", 1.0))));
  }

  private static Map<String, Object> net(double packetsPerSecond, double bytesPerSecond) {
    return Map.of(
        "net_tx_packets_rate",
        packetsPerSecond,
        "net_tx_bytes_rate",
        bytesPerSecond,
        "net_tx_bytes",
        1L,
        "net_rx_packets_rate",
        0.0);
  }

  @Test
  void networkFloodOnPacketsHeldTenSeconds() {
    assertEquals(List.of("network_flood@10"), alerts(repeat(15, net(60_000.0, 4_000_000.0))));
  }

  @Test
  void networkFloodOnBytesHeldTenSeconds() {
    assertEquals(List.of("network_flood@10"), alerts(repeat(15, net(2_000.0, 130_000_000.0))));
  }

  @Test
  void busyButNotFloodingOrTooShortIsNoFlood() {
    assertEquals(List.of(), alerts(repeat(15, net(20_000.0, 80_000_000.0))));
    List<Map<String, Object>> bursts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      bursts.add(
          i % 5 == 4 ? net(10.0, 1_000.0) : net(90_000.0, 200_000_000.0)); // a pause every 5 s
    }
    assertEquals(List.of(), alerts(bursts));
  }

  @Test
  void receivingAFloodIsNotSendingOne() {
    assertEquals(
        List.of(),
        alerts(
            repeat(
                15,
                Map.of(
                    "net_rx_packets_rate",
                    90_000.0,
                    "net_rx_bytes_rate",
                    200_000_000.0,
                    "net_tx_packets_rate",
                    5.0,
                    "net_tx_bytes_rate",
                    300.0))));
  }

  @Test
  void ioSaturationAtItsWriteCapHeldThirtySeconds() {
    List<Map<String, Object>> s = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double f = i % 2 == 0 ? 0.81 : 1.19; // throttled I/O measured every 250 ms
      s.add(
          Map.of(
              "io_read_rate",
              0.0,
              "io_write_rate",
              f * 4194304,
              "io_write_limit",
              4194304L,
              "io_write_fraction",
              f));
    }
    assertEquals(List.of("io_saturation@30"), alerts(s));
  }

  @Test
  void ioSaturationWithoutACapOnSustainedThroughput() {
    assertEquals(
        List.of("io_saturation@30"),
        alerts(repeat(35, Map.of("io_read_rate", 150_000_000.0, "io_write_rate", 60_000_000.0))));
  }

  @Test
  void ioBelowItsCapOrBriefIsNoSaturation() {
    assertEquals(
        List.of(),
        alerts(
            repeat(
                40,
                Map.of(
                    "io_read_rate",
                    0.0,
                    "io_write_rate",
                    2_000_000.0,
                    "io_write_limit",
                    4194304L,
                    "io_write_fraction",
                    0.48))));
    assertEquals(
        List.of(),
        alerts(
            repeat(
                29,
                Map.of(
                    "io_read_rate",
                    0.0,
                    "io_write_rate",
                    4194304.0,
                    "io_write_limit",
                    4194304L,
                    "io_write_fraction",
                    1.0))));
  }

  @Test
  void noIoFiguresNoIoSaturation() {
    assertEquals(List.of(), alerts(repeat(40, Map.of("pids", 3L))));
  }

  @Test
  void summariesNameTheContainerAndTheFigures() {
    List<RuleMatch> last = List.of();
    for (int s = 0; s <= 10; s++) {
      last =
          engine.evaluate(
              sample(
                  s,
                  Map.of(
                      "mem_usage", 33_000_000L, "mem_limit", 33_554_432L, "mem_fraction", 0.98)));
    }
    assertEquals(1, last.size());
    String summary = last.get(0).summary();
    assertTrue(
        summary.contains("container web (nginx:1.25) at 33000000 of 33554432 bytes"), summary);
    assertTrue(summary.contains("(10 s)"), summary);
  }

  private static Map<String, Object> hostShares(double mem, double pids) {
    return Map.of(
        "mem_usage",
        (long) (mem * 8_000_000_000L),
        "host_mem",
        8_000_000_000L,
        "mem_host_fraction",
        mem,
        "pids",
        (long) (pids * 32_768),
        "host_tasks",
        32_768L,
        "pids_host_fraction",
        pids,
        "host_cpus",
        4L);
  }

  @Test
  void anUnlimitedContainerHoldingMostOfTheHostsMemoryFiresAfterSixtySeconds() {
    // no mem_limit, so no mem_fraction: memory_exhaustion cannot see it
    assertEquals(List.of("host_memory_exhaustion@60"), alerts(repeat(70, hostShares(0.85, 0.01))));
  }

  @Test
  void hostMemoryBelowTheMarkOrNotForLongFiresNothing() {
    assertEquals(List.of(), alerts(repeat(90, hostShares(0.79, 0.01))));
    List<Map<String, Object>> s = new ArrayList<>(repeat(59, hostShares(0.9, 0.01)));
    s.add(hostShares(0.5, 0.01)); // released just before the minute
    s.addAll(repeat(30, hostShares(0.9, 0.01)));
    assertEquals(List.of(), alerts(s));
  }

  @Test
  void aContainerHoldingAQuarterOfTheHostsTasksFiresAfterThirtySeconds() {
    assertEquals(List.of("host_pids_exhaustion@30"), alerts(repeat(40, hostShares(0.01, 0.3))));
  }

  @Test
  void aFifthOfTheHostsTasksIsBelowTheMark() {
    assertEquals(List.of(), alerts(repeat(40, hostShares(0.01, 0.2))));
  }

  @Test
  void withoutTheHostsFiguresTheHostRulesStayQuiet() {
    assertEquals(
        List.of(), alerts(repeat(90, Map.of("mem_usage", 7_900_000_000L, "pids", 30_000L))));
  }
}

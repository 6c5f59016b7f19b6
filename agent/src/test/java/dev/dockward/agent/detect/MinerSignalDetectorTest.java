package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The miner–CPU correlation with the bundled rules: crypto_miner_burning_cpu over series of
 * samples.
 */
class MinerSignalDetectorTest {
  private static final String RULE = "crypto_miner_burning_cpu";
  private static final Instant T0 = Instant.parse("2026-11-23T07:10:00Z");
  private static final String MINER =
      "c0ffee0000000000000000000000000000000000000000000000000000004711";
  private static final String BUSY =
      "c0ffee0000000000000000000000000000000000000000000000000000004712";

  private final AtomicInteger ids = new AtomicInteger();
  private final Detector detector =
      new MinerSignalDetector(
          new RuleDetector(new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet())));

  private static Map<String, Object> container(String id) {
    return Map.of("id", id, "name", "n" + id.substring(60), "image", "busybox");
  }

  private static Map<String, Object> xmrig(String id, int second) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("kind", "event");
    e.put("time", T0.plusSeconds(second).toString());
    e.put("type", "exec");
    e.put("container", container(id));
    e.put(
        "process",
        Map.of(
            "pid",
            4711L,
            "ppid",
            1L,
            "name",
            "xmrig",
            "program",
            "xmrig",
            "exe",
            "/usr/local/bin/xmrig",
            "cmdline",
            "/usr/local/bin/xmrig -o pool:3333"));
    return e;
  }

  private static Map<String, Object> sample(String id, int second, double cores) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("kind", "event");
    e.put("time", T0.plusSeconds(second).toString());
    e.put("type", "resource_sample");
    e.put("container", container(id));
    e.put("res", Map.of("cpu_usage", cores, "cpu_fraction", cores / 2));
    return e;
  }

  private static Map<String, Object> stop(String id, int second) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("kind", "event");
    e.put("time", T0.plusSeconds(second).toString());
    e.put("type", "container_stop");
    e.put("container", container(id));
    return e;
  }

  private List<Map<String, Object>> feed(Map<String, Object> event) {
    return detector.alertsFor(event, () -> "a" + ids.incrementAndGet());
  }

  /**
   * The alerts of {@link #RULE} raised over one sample a second from {@code from} to {@code to}.
   */
  private List<Map<String, Object>> samples(String id, int from, int to, double cores) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int s = from; s <= to; s++) {
      feed(sample(id, s, cores)).stream().filter(a -> RULE.equals(a.get("rule"))).forEach(out::add);
    }
    return out;
  }

  @Test
  void aMinerSignalAndTwentySecondsOfCpuRaiseOneCriticalAlertNamingTheSignal() {
    assertEquals(List.of(), samples(MINER, 0, 30, 0.97), "CPU before any signal is no miner's");
    List<Map<String, Object>> signal = feed(xmrig(MINER, 31));
    assertEquals(
        List.of("crypto_miner_in_container"), signal.stream().map(a -> a.get("rule")).toList());

    assertEquals(List.of(), samples(MINER, 32, 51, 0.97), "held 19 s: not yet");
    List<Map<String, Object>> fired = samples(MINER, 52, 70, 0.97);
    assertEquals(1, fired.size(), fired.toString());
    Map<String, Object> alert = fired.get(0);
    assertEquals("critical", alert.get("severity"));
    @SuppressWarnings("unchecked")
    Map<String, Object> evidence = (Map<String, Object>) alert.get("evidence");
    assertEquals("crypto_miner_in_container", evidence.get("signal_rule"));
    assertEquals(T0.plusSeconds(31).toString(), evidence.get("signal_time"));
    assertEquals(signal.get(0).get("summary"), evidence.get("signal"));
    assertEquals(20.0, ((Number) evidence.get("held_seconds")).doubleValue());
  }

  @Test
  void theSameCpuWithoutASignalOrASignalWithoutCpuRaisesNothing() {
    feed(xmrig(MINER, 0));
    assertEquals(List.of(), samples(BUSY, 1, 60, 1.9), "another container's CPU");
    assertEquals(List.of(), samples(MINER, 1, 60, 0.1), "the miner's container idle");
  }

  @Test
  void aDipBelowTheMarkStartsTheTwentySecondsAgain() {
    feed(xmrig(MINER, 0));
    assertEquals(List.of(), samples(MINER, 1, 15, 0.97));
    assertEquals(List.of(), samples(MINER, 16, 16, 0.2));
    assertEquals(List.of(), samples(MINER, 17, 36, 0.97), "19 s since the dip");
    assertEquals(1, samples(MINER, 37, 37, 0.97).size());
  }

  @Test
  void theSignalIsForgottenWhenTheContainerStops() {
    feed(xmrig(MINER, 0));
    feed(stop(MINER, 1));
    assertEquals(List.of(), samples(MINER, 2, 60, 0.97));
  }

  @Test
  void theSampleGivenToTheDetectorIsNotChanged() {
    feed(xmrig(MINER, 0));
    Map<String, Object> s = sample(MINER, 1, 0.97);
    Map<String, Object> before = new LinkedHashMap<>(s);
    feed(s);
    assertEquals(before, s);
    assertFalse(s.containsKey("miner_signal"));
  }

  @Test
  void aPoolPortFlowIsASignalToo() {
    Map<String, Object> flow = new LinkedHashMap<>();
    flow.put("kind", "event");
    flow.put("time", T0.toString());
    flow.put("type", "flow");
    flow.put("container", container(MINER));
    flow.put(
        "flow",
        Map.of(
            "state",
            "start",
            "protocol",
            "tcp",
            "interface",
            "docker0",
            "src",
            Map.of("kind", "container", "name", "miner"),
            "dst",
            Map.of("kind", "external", "ip", "203.0.113.50", "port", 3333L)));
    assertEquals(
        List.of("mining_pool_connection_from_container"),
        feed(flow).stream().map(a -> a.get("rule")).toList());
    List<Map<String, Object>> fired = samples(MINER, 1, 21, 0.97);
    assertEquals(1, fired.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> evidence = (Map<String, Object>) fired.get(0).get("evidence");
    assertEquals("mining_pool_connection_from_container", evidence.get("signal_rule"));
  }
}

package dev.dockward.agent.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.HostInfo;
import dev.dockward.net.FrameFacts;
import dev.dockward.net.ResolvedFlows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Flow records made by the live path (frames, the collector's resolution, the policy stage under
 * policy A, the record as journalled) judged again from their facts: under A they come out as
 * journalled, scan counts included; under B only their verdicts change.
 */
class RecordedFlowsTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long WEB_MAC = 0x02_42_ac_12_00_03L;
  private static final long DB_MAC = 0x02_42_ac_12_00_02L;
  private static final long INTRUDER_MAC = 0x02_42_ac_12_00_09L;
  private static final ContainerInfo WEB =
      FlowJudgeTest.container(
          "a1",
          "web",
          "nginx:1.25",
          Map.of("tier", "front"),
          "backend",
          "172.18.0.3",
          "02:42:ac:12:00:03");
  private static final ContainerInfo DB =
      FlowJudgeTest.container(
          "c3", "db", "postgres:16", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER =
      FlowJudgeTest.container(
          "e5", "intruder", "busybox", Map.of(), "backend", "172.18.0.9", "02:42:ac:12:00:09");
  private static final HostInfo HOST = new HostInfo("vm", "0123456789abcdef");
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final ObjectMapper json = new ObjectMapper();

  /** Records as journalled by an agent running policy A. */
  private List<String> journalled(EdgePolicy a) throws Exception {
    CapturePipeline c =
        new CapturePipeline(
            new FlowJudge(a, Optional.empty(), new ScanCounter(Duration.ofSeconds(10), 100, 100)),
            List.of(WEB, DB, INTRUDER),
            1_000);
    c.frame(syn(WEB_MAC, "172.18.0.3", 5432), T0);
    c.frame(syn(WEB_MAC, "172.18.0.3", 22), T0 + 10);
    for (int port = 1; port <= 35; port++) { // a scan, then a forged address from the same sender
      c.frame(syn(INTRUDER_MAC, "172.18.0.9", 6_000 + port), T0 + 100 + port);
    }
    c.frame(
        ResolvedFlows.ipv4(
            INTRUDER_MAC,
            DB_MAC,
            "172.18.0.3",
            "172.18.0.2",
            FrameFacts.TCP,
            39_999,
            5432,
            FrameFacts.SYN),
        T0 + 200);
    c.sweep(T0 + 120_000); // every flow ends (idle)
    List<String> records = new ArrayList<>();
    long id = 0;
    for (FlowObserved f : c.events) {
      records.add(
          json.writeValueAsString(
              EventDocuments.of(f, HOST, String.format("0123456789ab-%016x", ++id))));
    }
    return records;
  }

  private static byte[] syn(long srcMac, String src, int port) {
    return ResolvedFlows.ipv4(
        srcMac, DB_MAC, src, "172.18.0.2", FrameFacts.TCP, 40_000 + port, port, FrameFacts.SYN);
  }

  private static RecordedFlows replaying(EdgePolicy policy) {
    Map<String, Map<String, Object>> snapshots = new LinkedHashMap<>();
    for (ContainerInfo c : List.of(WEB, DB, INTRUDER)) {
      snapshots.put(c.id(), EventDocuments.container(c));
    }
    return new RecordedFlows(policy, id -> Optional.ofNullable(snapshots.get(id)));
  }

  @Test
  void underThePolicyTheyWereJournalledWithTheyComeOutAsJournalled() throws Exception {
    List<String> records = journalled(FlowJudgeTest.webToDbOnly());
    assertEquals(2 * 38, records.size(), "38 starts and their ends");
    RecordedFlows again = replaying(FlowJudgeTest.webToDbOnly());
    for (String r : records) {
      assertEquals(r, json.writeValueAsString(again.judge(json.readValue(r, MAP))));
    }
  }

  @Test
  void underAnotherPolicyOnlyTheVerdictsChange() throws Exception {
    List<String> records = journalled(FlowJudgeTest.webToDbOnly());
    RecordedFlows underB = replaying(FlowJudgeTest.sshAndBusybox());
    Map<String, String> verdicts = new LinkedHashMap<>();
    for (String r : records) {
      Map<String, Object> before = json.readValue(r, MAP);
      Map<String, Object> after = underB.judge(json.readValue(r, MAP));
      Map<String, Object> flowBefore = flow(before);
      Map<String, Object> flowAfter = flow(after);
      verdicts.put(
          flowAfter.get("edge") + " " + flowAfter.get("state"),
          flowBefore.get("policy") + ">" + flowAfter.get("policy"));
      flowBefore.remove("policy");
      flowAfter.remove("policy");
      assertEquals(
          json.writeValueAsString(before),
          json.writeValueAsString(after),
          "all but the verdict as journalled");
    }
    assertEquals("allowed>unexpected", verdicts.get("web>db tcp/5432 start"));
    assertEquals(
        "allowed>unexpected",
        verdicts.get("web>db tcp/5432 end"),
        "the end repeats its start's verdict");
    assertEquals("unexpected>allowed", verdicts.get("web>db tcp/22 start"));
    assertEquals(
        "unexpected>unexpected",
        verdicts.get("intruder>db tcp/6001 start"),
        "B allows busybox 5432 only");
    assertEquals(
        "unexpected>allowed",
        verdicts.get("intruder>db tcp/5432 start"),
        "the spoofing sender is still busybox");
  }

  @Test
  void theSenderOfAForgedAddressIsCountedUnderItsOwn() throws Exception {
    List<String> records = journalled(FlowJudgeTest.webToDbOnly());
    Map<String, Object> forged =
        records.stream()
            .map(
                r -> {
                  try {
                    return json.readValue(r, MAP);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .filter(
                r ->
                    "intruder>db tcp/5432".equals(flow(r).get("edge"))
                        && "start".equals(flow(r).get("state")))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "172.18.0.3", ((Map<?, ?>) flow(forged).get("src")).get("ip"), "web's address on the wire");
    assertEquals(
        Map.of("window_s", 10, "distinct_ports", 36, "distinct_hosts", 1),
        flow(forged).get("scan"),
        "the intruder's 35 scanned ports and this one");
    // Replayed, its sender is the intruder (whose MAC it is), not web (whose address it wrote).
    assertEquals(
        "172.18.0.9",
        RecordedFlows.sender(
            "172.18.0.3",
            "02:42:ac:12:00:09",
            Optional.<Map<?, ?>>of(EventDocuments.container(INTRUDER))));
    assertEquals(
        "172.18.0.3",
        RecordedFlows.sender(
            "172.18.0.3",
            "02:42:ac:12:00:03",
            Optional.<Map<?, ?>>of(EventDocuments.container(WEB))));
  }

  @Test
  void otherRecordsPassAsTheyAre() {
    Map<String, Object> exec =
        Map.of("kind", "event", "type", "exec", "time", Instant.ofEpochMilli(T0).toString());
    assertSame(exec, replaying(EdgePolicy.NONE).judge(exec));
    Map<String, Object> broken =
        Map.of("kind", "event", "type", "flow", "flow", Map.of("state", "start"));
    assertSame(broken, replaying(EdgePolicy.NONE).judge(broken));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> flow(Map<String, Object> record) {
    return (Map<String, Object>) record.get("flow");
  }
}

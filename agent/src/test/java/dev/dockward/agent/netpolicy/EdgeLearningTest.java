package dev.dockward.agent.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.net.FlowTable;
import dev.dockward.net.FrameFacts;
import dev.dockward.net.ResolvedFlows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning fed with frames as the capture thread sees them: what is learned (established
 * conversations, not scans), how much (capped and counted), and that the capture path never writes
 * the file itself.
 */
class EdgeLearningTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long SCANNER_MAC = 0x02_42_ac_12_00_09L;
  private static final long TARGET_MAC = 0x02_42_ac_12_00_02L;
  private static final long WEB_MAC = 0x02_42_ac_12_00_03L;
  private static final ContainerInfo WEB =
      FlowJudgeTest.container(
          "a1", "web", "nginx:1.25", Map.of(), "backend", "172.18.0.3", "02:42:ac:12:00:03");
  private static final ContainerInfo TARGET =
      FlowJudgeTest.container(
          "c3", "db", "postgres:16", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo SCANNER =
      FlowJudgeTest.container(
          "e5", "scanner", "busybox", Map.of(), "backend", "172.18.0.9", "02:42:ac:12:00:09");

  @TempDir Path dir;

  private LearnedEdges edges(LearnedEdges.Limits limits) {
    return LearnedEdges.open(
        dir.resolve("learned.json"), Duration.ofHours(24), Instant.ofEpochMilli(T0), limits);
  }

  private static CapturePipeline capture(LearnedEdges learned) {
    FlowJudge judge =
        new FlowJudge(
            EdgePolicy.NONE,
            Optional.of(learned),
            new ScanCounter(Duration.ofSeconds(10), 4_096, 4_096),
            30);
    return new CapturePipeline(judge, List.of(WEB, TARGET, SCANNER), 65_536);
  }

  /** One TCP probe: SYN out, then SYN+ACK (open) or RST+ACK (closed) back. */
  private static void probe(
      CapturePipeline c,
      long srcMac,
      String src,
      int srcPort,
      int port,
      boolean open,
      long millis) {
    c.frame(
        ResolvedFlows.ipv4(
            srcMac, TARGET_MAC, src, "172.18.0.2", FrameFacts.TCP, srcPort, port, FrameFacts.SYN),
        millis);
    int answer = open ? FrameFacts.SYN | FrameFacts.ACK : FrameFacts.RST | FrameFacts.ACK;
    c.frame(
        ResolvedFlows.ipv4(
            TARGET_MAC, srcMac, "172.18.0.2", src, FrameFacts.TCP, port, srcPort, answer),
        millis);
  }

  @Test
  void aFullPortScanWhereEveryPortAnswersIsLearnedAsNothingAndNeverWrittenPerEdge()
      throws Exception {
    LearnedEdges learned = edges(LearnedEdges.Limits.DEFAULT);
    String before = Files.readString(dir.resolve("learned.json"));
    long savesBefore = learned.saves();
    CapturePipeline c = capture(learned);
    for (int port = 1; port <= 65_535; port++) {
      probe(c, SCANNER_MAC, "172.18.0.9", 40_000 + (port % 20_000), port, true, T0 + port / 10);
    }
    assertEquals(0, learned.size(), "the ports answered before the scan showed were taken back");
    // Before the 30th port showed the scan: 16 ports learned (the pair's cap), 13 refused by it;
    // the 16 were taken back when the scan showed.
    assertEquals(16, learned.revoked());
    assertEquals(13, learned.portsCapped());
    assertEquals(65_535 - 29, c.judge.scanNotLearned());
    assertEquals(savesBefore, learned.saves(), "the capture path wrote nothing");
    assertEquals(before, Files.readString(dir.resolve("learned.json")));

    // The same set still learns a real conversation afterwards (a minute later, the scan window
    // long past).
    long later = T0 + 65_535 / 10 + 60_000;
    c.sweep(later);
    probe(c, WEB_MAC, "172.18.0.3", 51_000, 5432, true, later);
    assertEquals(1, learned.size());
    assertTrue(learned.known("web>db tcp/5432"));
    learned.flush();
    assertEquals(savesBefore + 1, learned.saves(), "one save for all of it, by the writer's flush");
    assertTrue(Files.readString(dir.resolve("learned.json")).contains("web>db tcp/5432"));
  }

  @Test
  void closedPortsAndUnansweredFlowsTeachNothingEvenSlowly() {
    LearnedEdges learned = edges(LearnedEdges.Limits.DEFAULT);
    CapturePipeline c = capture(learned);
    for (int port = 1; port <= 200; port++) {
      probe(
          c,
          SCANNER_MAC,
          "172.18.0.9",
          40_000 + port,
          port,
          false,
          T0 + port * 20_000L); // one per 20 s: no scan
    }
    c.frame(
        ResolvedFlows.ipv4(
            WEB_MAC,
            TARGET_MAC,
            "172.18.0.3",
            "172.18.0.2",
            FrameFacts.TCP,
            50_000,
            6379,
            FrameFacts.SYN),
        T0);
    assertEquals(0, learned.size());
    assertEquals(
        0, c.judge.scanNotLearned(), "too slow to be a scan: refused because nothing answered");
  }

  @Test
  void aOneWayDatagramStreamIsLearnedALoneDatagramIsNot() {
    LearnedEdges learned = edges(LearnedEdges.Limits.DEFAULT);
    CapturePipeline c = capture(learned);
    c.frame(
        ResolvedFlows.ipv4(
            WEB_MAC, TARGET_MAC, "172.18.0.3", "172.18.0.2", FrameFacts.UDP, 50_001, 53, 0),
        T0);
    for (int i = 0; i < FlowTable.ONE_WAY_PACKETS; i++) {
      c.frame(
          ResolvedFlows.ipv4(
              WEB_MAC, TARGET_MAC, "172.18.0.3", "172.18.0.2", FrameFacts.UDP, 50_002, 514, 0),
          T0 + i);
    }
    assertTrue(learned.known("web>db udp/514"));
    assertEquals(1, learned.size());
    assertFalse(learned.known("web>db udp/53"));
  }

  @Test
  void aSlowScanOfAnsweringPortsStopsAtThePairCapAndTheSetAtItsCap() {
    LearnedEdges learned = edges(new LearnedEdges.Limits(20, 16));
    CapturePipeline c = capture(learned);
    for (int port = 1; port <= 100; port++) {
      probe(c, SCANNER_MAC, "172.18.0.9", 40_000 + port, port, true, T0 + port * 20_000L);
    }
    assertEquals(16, learned.size());
    assertEquals(84, learned.portsCapped());
    for (int port = 1; port <= 10; port++) {
      probe(c, WEB_MAC, "172.18.0.3", 50_000 + port, port, true, T0 + 2_100_000 + port * 20_000L);
    }
    assertEquals(20, learned.size(), "the set's own cap");
    assertEquals(6, learned.edgesCapped());
  }

  @Test
  void spoofedFlowsAreNotLearned() {
    LearnedEdges learned = edges(LearnedEdges.Limits.DEFAULT);
    CapturePipeline c = capture(learned);
    probe(c, SCANNER_MAC, "172.18.0.3", 40_000, 5432, true, T0); // scanner's MAC, web's address
    assertEquals("scanner", c.events.get(0).src().displayName());
    assertEquals(0, learned.size());
  }

  @Test
  void theWriterSavesInTheBackgroundAtomicallyAndCloseSavesTheRest() throws Exception {
    Path file = dir.resolve("learned.json");
    LearnedEdges learned = edges(LearnedEdges.Limits.DEFAULT);
    learned.startWriter(Duration.ofMillis(50));
    String web = "172.18.0.3";
    assertTrue(learned.learn(web, "web>db tcp/5432", T0));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(file).contains("web>db tcp/5432") && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertTrue(Files.readString(file).contains("web>db tcp/5432"));
    learned.close();
    assertTrue(
        learned.learn(
            web, "web>db tcp/6379", T0)); // after the writer stopped: only close would save it
    learned.close();
    assertTrue(Files.readString(file).contains("web>db tcp/6379"));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(file), left.toList(), "no temporary file left behind");
    }
    LearnedEdges reopened = edges(LearnedEdges.Limits.DEFAULT);
    assertEquals(2, reopened.size());
    assertEquals(2, reopened.added());
  }

  @Test
  void aFileLargerThanTheCapKeepsTheCapAndCountsTheRest() throws Exception {
    Path file = dir.resolve("learned.json");
    StringBuilder json = new StringBuilder("{\"started_at\":\"2026-11-23T07:00:00Z\",\"edges\":[");
    for (int p = 1; p <= 50; p++) {
      json.append(p > 1 ? "," : "").append("\"a>b tcp/").append(p).append('"');
    }
    Files.writeString(file, json.append("]}"));
    LearnedEdges loaded = edges(new LearnedEdges.Limits(1_000, 16));
    assertEquals(16, loaded.size());
    assertEquals(34, loaded.portsCapped());
  }
}

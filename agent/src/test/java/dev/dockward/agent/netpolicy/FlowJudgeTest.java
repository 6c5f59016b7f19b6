package dev.dockward.agent.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowAssessment;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.ResourceLimits;
import dev.dockward.net.FlowRecord;
import dev.dockward.net.FrameFacts;
import dev.dockward.net.IpAddress;
import dev.dockward.net.ResolvedFlows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy stage on flows as the collector reports them: verdicts by policy, learning and its
 * file, a verdict kept for a flow in flight, and the scan counts.
 */
class FlowJudgeTest {
  private static final Instant T0 = Instant.parse("2026-11-23T07:00:00Z");
  private static final ContainerInfo WEB =
      container(
          "a1",
          "web",
          "nginx:1.25",
          Map.of("tier", "front"),
          "backend",
          "172.18.0.3",
          "02:42:ac:12:00:03");
  private static final ContainerInfo DB =
      container("c3", "db", "postgres:16", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER =
      container(
          "e5", "intruder", "busybox", Map.of(), "backend", "172.18.0.9", "02:42:ac:12:00:09");

  @TempDir Path dir;

  static ContainerInfo container(
      String idByte,
      String name,
      String image,
      Map<String, String> labels,
      String network,
      String ip,
      String mac) {
    return new ContainerInfo(
        idByte.repeat(32),
        name,
        image,
        "sha256:" + "0".repeat(64),
        labels,
        false,
        List.of(),
        List.of(),
        List.<MountInfo>of(),
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(42),
        Map.of(network, new NetworkEndpoint("n".repeat(64), ip, mac, "172.18.0.1")),
        Optional.empty(),
        List.of());
  }

  private static FlowRecord start(ContainerInfo from, ContainerInfo to, int port, Instant at) {
    return record(FlowRecord.State.START, from, to, port, at);
  }

  private static FlowRecord record(
      FlowRecord.State state, ContainerInfo from, ContainerInfo to, int port, Instant at) {
    NetworkEndpoint a = from.networks().values().iterator().next();
    NetworkEndpoint b = to.networks().values().iterator().next();
    return new FlowRecord(
        state,
        state == FlowRecord.State.END ? Optional.of(FlowRecord.EndReason.CLOSED) : Optional.empty(),
        "br-0123456789ab",
        FrameFacts.TCP,
        IpAddress.parse(a.ipAddress()).orElseThrow(),
        40000,
        IpAddress.parse(b.ipAddress()).orElseThrow(),
        port,
        mac(a),
        mac(b),
        1,
        74,
        0,
        0,
        FrameFacts.SYN,
        0,
        at,
        at);
  }

  private static long mac(NetworkEndpoint e) {
    return Long.parseLong(e.macAddress().replace(":", ""), 16);
  }

  /** The collector's resolution and the policy stage after it, as on the capture thread. */
  private record Assessor(ResolvedFlows flows, FlowJudge judge) {
    FlowObserved event(FlowRecord r, Instant now) {
      return judge.judge(flows.event(r, now), now);
    }

    String policy(FlowRecord r, Instant now) {
      return event(r, now).assessment().orElseThrow().policy();
    }

    void established(FlowRecord r) {
      flows.established(r, r.lastSeen()).ifPresent(judge::established);
    }

    void replacePolicy(EdgePolicy next) {
      judge.replacePolicy(next);
    }

    int openFlows() {
      return judge.openFlows();
    }
  }

  private static Assessor assessor(EdgePolicy policy, Optional<LearnedEdges> learned) {
    FlowJudge judge =
        new FlowJudge(policy, learned, new ScanCounter(Duration.ofSeconds(10), 100, 100));
    return new Assessor(new ResolvedFlows(List.of(WEB, DB, INTRUDER), 1_000, null), judge);
  }

  static EdgePolicy webToDbOnly() {
    EdgePolicy.Selector web =
        new EdgePolicy.Selector(
            Optional.empty(), Optional.of("nginx:*"), Map.of("tier", "front"), Optional.empty());
    EdgePolicy.Selector db =
        new EdgePolicy.Selector(
            Optional.of("d*"), Optional.empty(), Map.of(), Optional.of("backend"));
    return new EdgePolicy(
        EdgePolicy.Action.ALERT,
        List.of(new EdgePolicy.Allow(web, db, Optional.of("TCP"), List.of(5432))));
  }

  @Test
  void policyAllowsTheListedEdgeAndNothingElse() {
    Assessor a = assessor(webToDbOnly(), Optional.empty());
    FlowObserved allowed = a.event(start(WEB, DB, 5432, T0), T0);
    assertEquals("allowed", allowed.assessment().orElseThrow().policy());
    assertEquals("web>db tcp/5432", allowed.assessment().orElseThrow().edge());
    assertEquals("web", allowed.container().orElseThrow().name());
    assertEquals("unexpected", a.policy(start(WEB, DB, 22, T0), T0));
    assertEquals("unexpected", a.policy(start(INTRUDER, DB, 5432, T0), T0));
    assertEquals("unexpected", a.policy(start(DB, WEB, 5432, T0), T0));
  }

  @Test
  void aReplacedPolicyJudgesTheFlowsThatStartAfterIt() {
    Assessor a = assessor(webToDbOnly(), Optional.empty());
    FlowRecord ssh = start(WEB, DB, 22, T0);
    assertEquals("unexpected", a.policy(ssh, T0));
    a.replacePolicy(new EdgePolicy(EdgePolicy.Action.ALLOW, List.of()));
    assertEquals(
        "unexpected",
        a.policy(record(FlowRecord.State.UPDATE, WEB, DB, 22, T0), T0),
        "a flow under way keeps the verdict it started with");
    assertEquals("allowed", a.policy(start(INTRUDER, DB, 5432, T0), T0));
  }

  @Test
  void defaultAllowAndNoPolicy() {
    assertEquals(
        "allowed",
        assessor(new EdgePolicy(EdgePolicy.Action.ALLOW, List.of()), Optional.empty())
            .policy(start(INTRUDER, DB, 5432, T0), T0));
    assertEquals(
        "unchecked",
        assessor(EdgePolicy.NONE, Optional.empty()).policy(start(INTRUDER, DB, 5432, T0), T0));
  }

  @Test
  void flowsToTheGatewayAreTheHostAndNotJudged() {
    Assessor a = assessor(webToDbOnly(), Optional.empty());
    FlowRecord r = start(WEB, DB, 2375, T0);
    FlowRecord toGateway =
        new FlowRecord(
            r.state(),
            r.endReason(),
            r.iface(),
            r.protocol(),
            r.src(),
            r.srcPort(),
            IpAddress.parse("172.18.0.1").orElseThrow(),
            2375,
            r.srcMac(),
            0x0242_0000_0001L,
            1,
            74,
            0,
            0,
            2,
            0,
            T0,
            T0);
    FlowObserved e = a.event(toGateway, T0);
    assertEquals("host", e.dst().kind().text());
    assertEquals("unchecked", e.assessment().orElseThrow().policy());
    assertEquals("web>host tcp/2375", e.assessment().orElseThrow().edge());
  }

  @Test
  void learningRecordsEdgesThenFlagsNewOnesAndARestartKeepsThem() throws Exception {
    Path file = dir.resolve("state/learned.json");
    LearnedEdges learning = LearnedEdges.open(file, Duration.ofMinutes(10), T0);
    Assessor a = assessor(EdgePolicy.NONE, Optional.of(learning));
    assertEquals("learning", a.policy(start(WEB, DB, 5432, T0.plusSeconds(5)), T0.plusSeconds(5)));
    // Learned once the server answered (the table reports the flow established), saved by the
    // writer.
    a.established(record(FlowRecord.State.UPDATE, WEB, DB, 5432, T0.plusSeconds(5)));
    learning.flush();
    Instant after = T0.plus(Duration.ofMinutes(11));
    assertEquals("learned", a.policy(start(WEB, DB, 5432, after), after));
    assertEquals("unexpected", a.policy(start(INTRUDER, DB, 5432, after), after));
    assertTrue(Files.readString(file).contains("web>db tcp/5432"));

    // Restarted later: the same start time, the same edges, no new learning period.
    LearnedEdges reopened = LearnedEdges.open(file, Duration.ofMinutes(10), after);
    Assessor b = assessor(EdgePolicy.NONE, Optional.of(reopened));
    assertEquals("learned", b.policy(start(WEB, DB, 5432, after), after));
    assertEquals("unexpected", b.policy(start(INTRUDER, DB, 5432, after), after));
    assertEquals(1, reopened.size());
  }

  @Test
  void aBrokenLearnedFileStartsLearningOver() throws Exception {
    Path file = Files.writeString(dir.resolve("learned.json"), "{not json");
    LearnedEdges l = LearnedEdges.open(file, Duration.ofMinutes(10), T0);
    assertTrue(l.learning(T0.plusSeconds(1)));
    assertEquals(0, l.size());
  }

  @Test
  void theVerdictAndNamesOfAFlowInFlightSurviveAnAddressReused() {
    Assessor a = assessor(webToDbOnly(), Optional.empty());
    a.event(start(WEB, DB, 5432, T0), T0);
    // db is gone and its address now belongs to another container with another MAC.
    ContainerInfo newcomer =
        container(
            "f7", "newcomer", "redis:7", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:77");
    a.flows().useContainers(List.of(WEB, newcomer));
    FlowObserved end =
        a.event(record(FlowRecord.State.END, WEB, DB, 5432, T0.plusSeconds(3)), T0.plusSeconds(3));
    assertEquals("db", end.dst().displayName());
    assertEquals("allowed", end.assessment().orElseThrow().policy());
    assertEquals(0, a.openFlows());
    assertEquals(0, a.flows().openFlows());
    // A new flow to the address is the newcomer's.
    assertEquals(
        "newcomer",
        a.event(start(WEB, DB, 5432, T0.plusSeconds(4)), T0.plusSeconds(4)).dst().displayName());
  }

  @Test
  void scanCountsDistinctPortsAndHostsWithinTheWindow() {
    ScanCounter scans = new ScanCounter(Duration.ofSeconds(10), 2, 40);
    String src = "172.18.0.9";
    String dst = "172.18.0.2";
    ScanCounter.Counts c = null;
    for (int p = 0; p < 50; p++) {
      c = scans.started(src, dst, 3000 + p, 1_000 + p * 10L);
    }
    assertEquals(40, c.ports()); // bounded per source: the oldest starts are forgotten
    assertEquals(1, c.hosts());
    ScanCounter.Counts later = scans.started(src, "172.18.0.3", 80, 1_000 + 10_300);
    assertEquals(2, later.hosts());
    assertEquals(
        20, later.ports()); // starts at or before 1300 left the window: 19 remain, plus port 80
    scans.started("10.0.0.1", dst, 1, 20_000);
    scans.started("10.0.0.2", dst, 1, 20_000);
    assertEquals(2, scans.sources()); // bounded in sources
    scans.sweep(40_000);
    assertEquals(0, scans.sources());
  }

  /**
   * Policy B: ssh from web to db and anything from a busybox container to db's PostgreSQL; the rest
   * alerts.
   */
  static EdgePolicy sshAndBusybox() {
    EdgePolicy.Selector db =
        new EdgePolicy.Selector(Optional.of("db"), Optional.empty(), Map.of(), Optional.empty());
    return new EdgePolicy(
        EdgePolicy.Action.ALERT,
        List.of(
            new EdgePolicy.Allow(
                new EdgePolicy.Selector(
                    Optional.of("web"), Optional.empty(), Map.of(), Optional.empty()),
                db,
                Optional.of("tcp"),
                List.of(22)),
            new EdgePolicy.Allow(
                new EdgePolicy.Selector(
                    Optional.empty(), Optional.of("busybox*"), Map.of(), Optional.of("backend")),
                db,
                Optional.empty(),
                List.of(5432))));
  }

  @Test
  void theSameFlowFactsGetEachPolicysVerdictAndTheSameScanCounts() {
    ResolvedFlows flows = new ResolvedFlows(List.of(WEB, DB, INTRUDER), 1_000, null);
    List<FlowObserved> facts =
        List.of(
            flows.event(start(WEB, DB, 5432, T0), T0),
            flows.event(start(WEB, DB, 22, T0), T0),
            flows.event(start(INTRUDER, DB, 5432, T0), T0),
            flows.event(start(DB, WEB, 80, T0), T0));
    assertTrue(
        facts.stream().allMatch(f -> f.assessment().isEmpty()), "the collector reports no verdict");
    FlowJudge a =
        new FlowJudge(
            webToDbOnly(), Optional.empty(), new ScanCounter(Duration.ofSeconds(10), 100, 100));
    FlowJudge b =
        new FlowJudge(
            sshAndBusybox(), Optional.empty(), new ScanCounter(Duration.ofSeconds(10), 100, 100));
    List<FlowAssessment> underA =
        facts.stream().map(f -> a.judge(f, T0).assessment().orElseThrow()).toList();
    List<FlowAssessment> underB =
        facts.stream().map(f -> b.judge(f, T0).assessment().orElseThrow()).toList();
    assertEquals(
        List.of("allowed", "unexpected", "unexpected", "unexpected"),
        underA.stream().map(FlowAssessment::policy).toList());
    assertEquals(
        List.of("unexpected", "allowed", "allowed", "unexpected"),
        underB.stream().map(FlowAssessment::policy).toList());
    for (int i = 0; i < facts.size(); i++) {
      FlowAssessment x = underA.get(i);
      FlowAssessment y = underB.get(i);
      assertEquals(
          new FlowAssessment(
              y.policy(), x.edge(), x.scanWindowSeconds(), x.scanPorts(), x.scanHosts()),
          y,
          "only the verdict depends on the policy");
    }
    assertEquals(2, underA.get(1).scanPorts(), "web reached 5432 and 22");
  }

  @Test
  void aSenderRotatingForgedAddressesIsOneScanner() {
    long intruderMac = 0x02_42_ac_12_00_09L;
    long dbMac = 0x02_42_ac_12_00_02L;
    CapturePipeline c =
        new CapturePipeline(
            new FlowJudge(
                EdgePolicy.NONE,
                Optional.empty(),
                new ScanCounter(Duration.ofSeconds(10), 100, 100)),
            List.of(WEB, DB, INTRUDER),
            1_000);
    for (int i = 1; i <= 40; i++) {
      c.frame(
          ResolvedFlows.ipv4(
              intruderMac,
              dbMac,
              "10.9.0." + i,
              "172.18.0.2",
              FrameFacts.TCP,
              40_000 + i,
              1_000 + i,
              FrameFacts.SYN),
          T0.toEpochMilli());
    }
    FlowObserved last = c.events.get(c.events.size() - 1);
    assertEquals(
        40,
        last.assessment().orElseThrow().scanPorts(),
        "counted under the sender's own address, not the forged ones");
  }
}

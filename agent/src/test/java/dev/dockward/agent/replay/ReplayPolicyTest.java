package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.config.NetworkPolicyLoader;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.netpolicy.FlowJudge;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerStarted;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.HostInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.ResourceLimits;
import dev.dockward.net.FrameFacts;
import dev.dockward.net.ResolvedFlows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real journal of flows judged live under policy A (frames through the collector's resolution and
 * the agent's policy stage, journalled as the pipeline does), replayed with {@code --rules --policy
 * B}: the rules see B's verdicts and raise B's alerts.
 */
class ReplayPolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-23T07:00:00Z");
  private static final HostInfo HOST = new HostInfo("vm", "0123456789abcdef");
  private static final long WEB_MAC = 0x02_42_ac_12_00_03L;
  private static final long DB_MAC = 0x02_42_ac_12_00_02L;
  private static final long INTRUDER_MAC = 0x02_42_ac_12_00_09L;
  private static final ContainerInfo WEB =
      container(
          "a1", "web", "nginx:1.25", Map.of("tier", "front"), "172.18.0.3", "02:42:ac:12:00:03");
  private static final ContainerInfo DB =
      container("c3", "db", "postgres:16", Map.of(), "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER =
      container("e5", "intruder", "busybox:1.36", Map.of(), "172.18.0.9", "02:42:ac:12:00:09");

  @TempDir Path tmp;

  private final ObjectMapper json = new ObjectMapper();
  private Path journal;
  private Path rules;
  private Path policyA;
  private Path policyB;

  private static ContainerInfo container(
      String idByte, String name, String image, Map<String, String> labels, String ip, String mac) {
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
        Map.of("backend", new NetworkEndpoint("n".repeat(64), ip, mac, "172.18.0.1")),
        Optional.empty(),
        List.of());
  }

  @BeforeEach
  void journalFlowsJudgedUnderPolicyA() throws Exception {
    journal = tmp.resolve("journal");
    rules =
        Files.writeString(
            tmp.resolve("flows.yaml"),
            """
        rules:
          - id: unexpected_flow
            condition: >-
              event.type == "flow" && flow.state == "start" && flow.policy == "unexpected"
            severity: high
            output: "{flow.edge} is {flow.policy}"
            evidence:
              edge: flow.edge
        """);
    policyA =
        Files.writeString(
            tmp.resolve("a.yaml"),
            """
        default: alert
        allow:
          - from: {name: web}
            to: {name: db}
            protocol: tcp
            ports: [5432]
        """);
    policyB =
        Files.writeString(
            tmp.resolve("b.yaml"),
            """
        default: alert
        allow:
          - from: {labels: {tier: front}}
            to: {name: db, network: backend}
            ports: [22]
          - from: {image: "busybox:*"}
            to: {labels: {}}
            ports: [5432]
        """);
    FlowJudge a =
        FlowJudge.open(
            new NetworkPolicyLoader().load(policyA), Duration.ofSeconds(10), Optional.empty(), T0);
    List<FlowObserved> flows = new ArrayList<>();
    ResolvedFlows capture =
        new ResolvedFlows(
            List.of(WEB, DB, INTRUDER),
            1_000,
            new ResolvedFlows.Receiver() {
              @Override
              public void flow(FlowObserved flow) {
                flows.add(a.judge(flow, flow.time()));
              }

              @Override
              public void established(FlowObserved flow) {}
            });
    long t = T0.toEpochMilli() + 1_000;
    capture.frame(syn(WEB_MAC, DB_MAC, "172.18.0.3", "172.18.0.2", 5432), t);
    capture.frame(syn(WEB_MAC, DB_MAC, "172.18.0.3", "172.18.0.2", 22), t + 10);
    capture.frame(syn(INTRUDER_MAC, DB_MAC, "172.18.0.9", "172.18.0.2", 5432), t + 20);
    capture.frame(syn(DB_MAC, WEB_MAC, "172.18.0.2", "172.18.0.3", 80), t + 30);
    capture.sweep(t + 120_000);
    long id = 0;
    try (ChronicleJournal j =
        ChronicleJournal.openForWriting(journal, "hourly", new SetTimeProvider(T0))) {
      for (ContainerInfo c : List.of(WEB, DB, INTRUDER)) {
        j.append(
            json.writeValueAsString(
                EventDocuments.of(new ContainerStarted(T0, c, true), HOST, id(++id))));
      }
      for (FlowObserved f : flows) {
        j.append(json.writeValueAsString(EventDocuments.of(f, HOST, id(++id))));
      }
    }
  }

  private static String id(long n) {
    return String.format("0123456789ab-%016x", n);
  }

  private static byte[] syn(long srcMac, long dstMac, String src, String dst, int port) {
    return ResolvedFlows.ipv4(
        srcMac, dstMac, src, dst, FrameFacts.TCP, 40_000 + port, port, FrameFacts.SYN);
  }

  private record Run(int code, String out, String err) {}

  private Run replay(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all =
        new ArrayList<>(List.of("replay", "--journal", journal.toString(), "--no-progress"));
    all.addAll(List.of(args));
    int code =
        DockwardCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private Set<String> alertedEdges(Run run) throws Exception {
    assertEquals(0, run.code(), run.err());
    Set<String> edges = new TreeSet<>();
    for (String line : run.out().lines().toList()) {
      Map<?, ?> alert = json.readValue(line, Map.class);
      assertEquals("unexpected_flow", alert.get("rule"));
      edges.add(String.valueOf(((Map<?, ?>) alert.get("evidence")).get("edge")));
    }
    return edges;
  }

  @Test
  void theRecordedVerdictsAreAsJudgedUnderA() throws Exception {
    Set<String> unexpected = new TreeSet<>();
    for (String line : replay("--type", "flow").out().lines().toList()) {
      Map<?, ?> flow = (Map<?, ?>) json.readValue(line, Map.class).get("flow");
      if ("unexpected".equals(flow.get("policy")) && "start".equals(flow.get("state"))) {
        unexpected.add(String.valueOf(flow.get("edge")));
      }
    }
    assertEquals(Set.of("web>db tcp/22", "intruder>db tcp/5432", "db>web tcp/80"), unexpected);
    assertEquals(
        unexpected,
        alertedEdges(replay("--rules", rules.toString())),
        "without --policy: A's alerts");
  }

  @Test
  void replayWithPolicyBRaisesBsAlerts() throws Exception {
    Run run = replay("--rules", rules.toString(), "--policy", policyB.toString());
    assertEquals(Set.of("web>db tcp/5432", "db>web tcp/80"), alertedEdges(run));
    assertTrue(run.out().contains("\"summary\":\"web>db tcp/5432 is unexpected\""), run.out());
    assertEquals(
        Set.of("web>db tcp/22", "intruder>db tcp/5432", "db>web tcp/80"),
        alertedEdges(replay("--rules", rules.toString(), "--policy", policyA.toString())),
        "the policy the journal was written under gives its own alerts again");
  }

  @Test
  void aBrokenPolicyOrOneWithoutRulesIsRefused() throws Exception {
    Path broken =
        Files.writeString(
            tmp.resolve("broken.yaml"), "default: alert\nallow:\n  - form: {name: web}\n");
    Run run = replay("--rules", rules.toString(), "--policy", broken.toString());
    assertEquals(2, run.code());
    assertTrue(
        run.err().contains(broken.toString()) && run.err().contains("\"form\""),
        "names the file and key: " + run.err());
    Run alone = replay("--policy", policyB.toString());
    assertEquals(2, alone.code());
    assertTrue(alone.err().contains("--policy needs --rules"), alone.err());
  }
}

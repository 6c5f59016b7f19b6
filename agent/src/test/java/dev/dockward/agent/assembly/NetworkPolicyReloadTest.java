package dev.dockward.agent.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.netpolicy.FlowJudge;
import dev.dockward.event.ContainerInfo;
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
 * SIGHUP's policy reload reaches the running policy stage; a file that no longer loads keeps the
 * running policy.
 */
class NetworkPolicyReloadTest {
  private static final Instant T0 = Instant.parse("2026-11-23T07:00:00Z");

  @TempDir Path dir;

  private static ContainerInfo container(String idByte, String name, String ip, String mac) {
    return new ContainerInfo(
        idByte.repeat(32),
        name,
        "busybox",
        "sha256:" + "0".repeat(64),
        Map.of(),
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

  private static FlowRecord ssh(FlowRecord.State state, int srcPort) {
    return new FlowRecord(
        state,
        Optional.empty(),
        "br-0123456789ab",
        FrameFacts.TCP,
        IpAddress.parse("172.18.0.3").orElseThrow(),
        srcPort,
        IpAddress.parse("172.18.0.2").orElseThrow(),
        22,
        0x02_42_ac_12_00_03L,
        0x02_42_ac_12_00_02L,
        1,
        74,
        0,
        0,
        FrameFacts.SYN,
        0,
        T0,
        T0);
  }

  @Test
  void aReloadedPolicyJudgesTheFlowsThatStartAfterIt() throws Exception {
    ResolvedFlows flows =
        new ResolvedFlows(
            List.of(
                container("a1", "web", "172.18.0.3", "02:42:ac:12:00:03"),
                container("c3", "db", "172.18.0.2", "02:42:ac:12:00:02")),
            100,
            null);
    Path policy = Files.writeString(dir.resolve("policy.yaml"), "default: alert\n");
    AgentConfig.Network net = AgentConfig.Network.DEFAULT.withPolicy(policy.toString());
    FlowJudge judge =
        FlowJudge.open(NetworkWiring.policy(net), Duration.ofSeconds(10), Optional.empty(), T0);
    assertEquals(
        "unexpected", verdict(judge, flows.event(ssh(FlowRecord.State.START, 40_000), T0)));

    Files.writeString(
        policy, "default: alert\nallow:\n  - {from: {name: web}, to: {name: db}, ports: [22]}\n");
    NetworkWiring.reloadPolicy(judge, net);
    assertEquals("allowed", verdict(judge, flows.event(ssh(FlowRecord.State.START, 40_001), T0)));
    assertEquals(
        "unexpected",
        verdict(judge, flows.event(ssh(FlowRecord.State.UPDATE, 40_000), T0)),
        "a flow under way keeps the verdict it started with");

    Files.writeString(policy, "default: alert\nallow: [{from: {nmae: web}}]\n");
    NetworkWiring.reloadPolicy(judge, net);
    assertEquals(
        "allowed",
        verdict(judge, flows.event(ssh(FlowRecord.State.START, 40_002), T0)),
        "a broken file keeps the running policy");
  }

  private static String verdict(FlowJudge judge, FlowObserved flow) {
    return judge.judge(flow, T0).assessment().orElseThrow().policy();
  }
}

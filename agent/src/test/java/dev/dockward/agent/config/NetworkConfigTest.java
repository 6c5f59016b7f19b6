package dev.dockward.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.netpolicy.EdgePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkConfigTest {
  private final ConfigLoader loader = new ConfigLoader();
  private final NetworkPolicyLoader policies = new NetworkPolicyLoader();

  @TempDir Path dir;

  @Test
  void networkCaptureAndLearningAreOnByDefaultWithBoundedDefaults() throws ConfigException {
    AgentConfig.Network n = loader.parse("empty.yaml", "").sources().network();
    assertTrue(n.enabled());
    assertEquals(List.of("docker0", "br-*"), n.interfaces());
    assertEquals(128, n.snapLength());
    assertEquals(65_536, n.maxFlows());
    assertEquals(Duration.ofSeconds(60), n.idleTimeout());
    assertEquals(Duration.ofSeconds(10), n.scanWindow());
    assertEquals("", n.policy());
    assertTrue(n.learning().enabled());
    assertEquals(Duration.ofHours(24), n.learning().period());
  }

  @Test
  void learningIsOffByDefaultWithAPolicyFileAndOnWhenAskedFor() throws Exception {
    String policy = Files.writeString(dir.resolve("p.yaml"), "default: alert\n").toString();
    AgentConfig.Network withPolicy =
        loader
            .parse("c.yaml", "sources:\n  network: {policy: " + policy + "}\n")
            .sources()
            .network();
    assertFalse(
        withPolicy.learning().enabled(),
        "a policy file says what is expected, from the first minute");
    AgentConfig.Network both =
        loader
            .parse(
                "c.yaml",
                "sources:\n  network: {policy: " + policy + ", learning: {enabled: true}}\n")
            .sources()
            .network();
    assertTrue(both.learning().enabled());
    AgentConfig.Network periodOnly =
        loader
            .parse("c.yaml", "sources:\n  network: {learning: {period: 2h}}\n")
            .sources()
            .network();
    assertTrue(periodOnly.learning().enabled());
    assertEquals(Duration.ofHours(2), periodOnly.learning().period());
    assertFalse(AgentConfig.Network.DEFAULT.withPolicy("/p.yaml").learning().enabled());
    assertTrue(
        AgentConfig.Network.DEFAULT
            .withLearning(new AgentConfig.Learning(true, Duration.ofHours(1), ""))
            .withPolicy("/p.yaml")
            .learning()
            .enabled(),
        "set explicitly: kept");
  }

  @Test
  void learningLimitsHaveDefaultsAreReadAndChecked() throws ConfigException {
    AgentConfig.Learning defaults = loader.parse("empty.yaml", "").sources().network().learning();
    assertEquals(10_000, defaults.maxEdges());
    assertEquals(16, defaults.maxPortsPerPair());
    assertEquals(30, defaults.scanThreshold());
    AgentConfig.Learning l =
        loader
            .parse(
                "c.yaml",
                "sources:\n  network:\n"
                    + "    learning: {enabled: true, max_edges: 500, max_ports_per_pair: 4, scan_threshold: 12}\n")
            .sources()
            .network()
            .learning();
    assertEquals(500, l.maxEdges());
    assertEquals(4, l.maxPortsPerPair());
    assertEquals(12, l.scanThreshold());
    assertTrue(
        assertThrows(
                ConfigException.class,
                () ->
                    loader.parse(
                        "c.yaml", "sources:\n  network:\n    learning: {max_ports_per_pair: 0}\n"))
            .getMessage()
            .contains("sources.network.learning.max_ports_per_pair"));
  }

  @Test
  void networkKeysAreReadAndChecked() throws ConfigException {
    AgentConfig.Network n =
        loader
            .parse(
                "c.yaml",
                """
        sources:
          network:
            enabled: true
            interfaces: [docker0]
            max_flows: 1000
            idle_timeout: 30s
            learning: {enabled: true, period: 2h, file: /var/lib/dockward/edges.json}
        """)
            .sources()
            .network();
    assertTrue(n.enabled());
    assertEquals(List.of("docker0"), n.interfaces());
    assertEquals(1000, n.maxFlows());
    assertEquals(Duration.ofHours(2), n.learning().period());
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sources:\n  network: {idle_timeout: soon}\n"))
            .getMessage()
            .contains("sources.network.idle_timeout"));
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sources:\n  network: {snap_length: 20}\n"))
            .getMessage()
            .contains("sources.network.snap_length"));
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sources:\n  network: {max_flow: 3}\n"))
            .getMessage()
            .contains("unknown key 'max_flow'"));
  }

  @Test
  void policyFileIsReadIntoAllowedEdges() throws ConfigException {
    EdgePolicy p =
        policies.parse(
            "policy.yaml",
            """
        default: alert
        allow:
          - from: {name: web, labels: {tier: front}}
            to: {image: "postgres:*", network: backend}
            protocol: tcp
            ports: [5432]
          - from: {name: "job-*"}
            to: {}
        """);
    assertEquals(EdgePolicy.Action.ALERT, p.defaultAction());
    assertEquals(2, p.allow().size());
    EdgePolicy.Allow first = p.allow().get(0);
    assertEquals(Optional.of("web"), first.from().name());
    assertEquals(Map.of("tier", "front"), first.from().labels());
    assertEquals(Optional.of("postgres:*"), first.to().image());
    assertEquals(Optional.of("backend"), first.to().network());
    assertEquals(List.of(5432), first.ports());
    assertEquals(Optional.empty(), p.allow().get(1).protocol());
    assertEquals(
        EdgePolicy.Action.ALLOW, policies.parse("p.yaml", "default: allow\n").defaultAction());
  }

  @Test
  void brokenPolicyFilesNameTheProblem() throws Exception {
    assertTrue(
        assertThrows(ConfigException.class, () -> policies.parse("p.yaml", "default: deny\n"))
            .getMessage()
            .contains("default: must be alert or allow"));
    ConfigException unknown =
        assertThrows(
            ConfigException.class,
            () -> policies.parse("p.yaml", "allow:\n  - from: {nmae: web}\n"));
    assertTrue(unknown.getMessage().startsWith("p.yaml:2:"), unknown.getMessage());
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> policies.parse("p.yaml", "allow:\n  - ports: [70000]\n"))
            .getMessage()
            .contains("70000 is not a port"));
    Path broken = Files.writeString(dir.resolve("policy.yaml"), "default: nope\n");
    ConfigException viaConfig =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "sources:\n  network: {policy: " + broken + "}\n"));
    assertTrue(viaConfig.getMessage().contains(broken.toString()), viaConfig.getMessage());
  }
}

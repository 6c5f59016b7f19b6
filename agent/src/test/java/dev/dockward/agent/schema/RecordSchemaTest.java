package dev.dockward.agent.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.detect.AncestryDetector;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerOomReported;
import dev.dockward.event.ContainerStarted;
import dev.dockward.event.ContainerStopped;
import dev.dockward.event.DockerExecStarted;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.ExecInfo;
import dev.dockward.event.HostInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.PortBinding;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import dev.dockward.event.PostureFindingChanged;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ResourceLimits;
import dev.dockward.proc.Ancestor;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import dev.dockward.rules.AlertDocuments;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Every kind of record the collector and the rules produce conforms to the published schema. */
class RecordSchemaTest {
  private static final String ID = "9f2c0c1d2e4b5a6978877665544332211009f2c0c1d2e4b5a697887766554433";
  private static final HostInfo HOST = new HostInfo("web-07", "3d1219c7c4c5404aaa1f6d2a48adfda4");
  private static final Instant T = Instant.parse("2026-11-22T18:02:11.431Z");
  private final RecordSchema schema = new RecordSchema();
  private final ObjectMapper json = new ObjectMapper();

  private static ContainerInfo container() {
    return new ContainerInfo(ID, "web", "nginx:1.25", "sha256:abc", Map.of("team", "a\nb"), false, List.of("SYS_ADMIN"),
        List.of("NET_RAW"), List.of(new MountInfo("bind", "/var/run/docker.sock", "/var/run/docker.sock", true)),
        new NamespaceModes("host", "default", "private", "", "", "host"), List.of("seccomp=unconfined"),
        new ResourceLimits(OptionalLong.of(123456789), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.of(1027)),
        OptionalLong.of(4200), Map.of("bridge", new NetworkEndpoint("n1", "172.17.0.2", "02:42:ac:11:00:02", "172.17.0.1")),
        Optional.of(T), List.of(new PortBinding("80/tcp", "", "8080")));
  }

  private static ProcessInfo shell() {
    return new ProcessInfo(4242, 4200, 123456L, "sh\nb\"c\\xff", "/bin/busybox", "sh -c id", true, OptionalInt.of(0),
        OptionalInt.of(0), OptionalLong.of(0xa80425fbL), Map.of("mnt", 4026532254L, "pid", 4026532257L), "/docker/" + ID);
  }

  private List<Event> everyKind() {
    return List.of(
        new ContainerStarted(T, container(), true),
        new ContainerStopped(T, container(), OptionalInt.of(137)),
        new ContainerStopped(T, ContainerInfo.unresolved(ID), OptionalInt.empty()),
        new DockerExecStarted(T, container(), new ExecInfo("e1", "sh -c id", "", false, true)),
        new ContainerOomReported(T, container()),
        new ProcessObserved(T, "proc_scan", shell(), Optional.of(container())),
        new ProcessObserved(T, "proc_scan", shell(), Optional.empty()),
        new PostureFindingChanged(T, new PostureFinding("docker_api_tcp_without_tls", Optional.of("2.7"),
            FindingSeverity.CRITICAL, "the Docker API listens on 127.0.0.1:2375 without TLS",
            Map.of("listen", "127.0.0.1:2375", "pid", 4242L, "hosts", List.of("tcp://127.0.0.1:2375")),
            "use TLS", Optional.empty(), "127.0.0.1:2375"), PostureFindingChanged.State.OPEN),
        new PostureFindingChanged(T, new PostureFinding("container_unconfined_seccomp_apparmor", Optional.of("5.22"),
            FindingSeverity.HIGH, "web runs unconfined", Map.of(), "confine it", Optional.of(container()), ""),
            PostureFindingChanged.State.RESOLVED),
        new PostureFindingChanged(T, new PostureFinding("container_image_mutable_tag", Optional.empty(),
            FindingSeverity.LOW, "web runs by tag", Map.of(), "pin it", Optional.of(container()), ""),
            PostureFindingChanged.State.OPEN));
  }

  @Test
  void everyEventKindAndTheAlertsItRaisesConform() throws Exception {
    RuleEngine engine = new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());
    List<String> lines = new ArrayList<>();
    long seq = 1;
    for (Event e : everyKind()) {
      Map<String, Object> doc = EventDocuments.of(e, HOST, String.format("3d1219c7c4c5-%016x", seq++));
      lines.add(json.writeValueAsString(doc));
      for (var match : engine.evaluate(doc)) {
        lines.add(json.writeValueAsString(AlertDocuments.of(match.toAlert(String.format("3d1219c7c4c5-%016x", seq++), doc))));
      }
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"kind\":\"alert\"")), "the fixtures raise alerts too");
    schema.assertAllValid(lines);
  }

  @Test
  void alertsAsTheAgentsDetectorChainWritesThemConform() throws Exception {
    // Ancestry and the rule-set version are added by the agent around the rule engine.
    RecentProcesses recent = new RecentProcesses(10);
    recent.remember(new Ancestor(4200, 4100, 100, "sh", "/bin/sh", "sh -c " + "x".repeat(2000), false));
    recent.remember(new Ancestor(4100, 1, 50, "containerd-shim", "", "containerd-shim -id " + ID, false));
    Detector detector = new AncestryDetector(
        new RuleDetector(new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet())), recent, ProcessLineage.NONE);
    ProcessInfo sh = new ProcessInfo(4242, 4200, 123456L, "sh", "/bin/busybox", "sh -c id", false, OptionalInt.of(0),
        OptionalInt.of(0), OptionalLong.of(0xa80425fbL), Map.of("mnt", 4026532254L), "/docker/" + ID);
    Map<String, Object> doc = EventDocuments.of(new ProcessObserved(T, "netlink", sh, Optional.of(container())), HOST,
        "3d1219c7c4c5-0000000000000001");
    List<Map<String, Object>> alerts = detector.alertsFor(doc, () -> "3d1219c7c4c5-0000000000000002");
    assertFalse(alerts.isEmpty(), "a shell in a container raises shell_in_container");
    String line = json.writeValueAsString(alerts.get(0));
    assertTrue(line.contains("\"ancestors\":[{\"pid\":4200"), line);
    assertTrue(line.contains("\"ruleset\":{\"digest\":\""), line);
    schema.assertAllValid(List.of(line));
  }

  @Test
  void brokenRecordsAreRejected() throws Exception {
    String good = json.writeValueAsString(EventDocuments.of(everyKind().get(0), HOST, "3d1219c7c4c5-0000000000000001"));
    assertEquals(List.of(), schema.problems(good));
    assertFalse(schema.problems(good.replace("\"schema\":1", "\"schema\":2")).isEmpty());
    assertFalse(schema.problems(good.replace("3d1219c7c4c5-0000000000000001", "x-1")).isEmpty());
    assertFalse(schema.problems(good.replace(",\"already_running\":true", "")).isEmpty(), "container_start needs it");
    String posture = json.writeValueAsString(EventDocuments.of(everyKind().get(7), HOST, "3d1219c7c4c5-0000000000000003"));
    assertEquals(List.of(), schema.problems(posture));
    assertFalse(schema.problems(posture.replace("\"state\":\"open\"", "\"state\":\"closed\"")).isEmpty());
    assertFalse(schema.problems(posture.replace("\"cis\":\"2.7\"", "\"cis\":\"CIS 2.7\"")).isEmpty());
    assertFalse(schema.problems(posture.replace("\"subject\":\"host\"", "\"subject\":\"host\",\"x\":1")).isEmpty(),
        "finding objects are closed");
    assertFalse(schema.problems(good.replace("\"image\":\"nginx:1.25\"", "\"image\":\"nginx:1.25\",\"extra\":1")).isEmpty(),
        "container objects are closed: a new field must be added to the schema first");
    String alert = "{\"schema\":1,\"kind\":\"alert\",\"id\":\"3d1219c7c4c5-0000000000000002\",\"time\":\"2026-11-22T18:02:11.431Z\","
        + "\"host\":{\"name\":\"h\",\"id\":\"3d1219c7c4c5404a\"},\"rule\":\"r\",\"severity\":\"urgent\",\"tags\":[],"
        + "\"summary\":\"s\",\"evidence\":{},\"event_id\":\"3d1219c7c4c5-0000000000000001\"}";
    assertFalse(schema.problems(alert).isEmpty(), "severity outside the five levels");
    assertEquals(List.of(), schema.problems(alert.replace("urgent", "high")));
  }
}

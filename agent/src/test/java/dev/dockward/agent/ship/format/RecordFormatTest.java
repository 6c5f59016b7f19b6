package dev.dockward.agent.ship.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.AgentVersion;
import dev.dockward.agent.ship.Sink;
import dev.dockward.rules.Rule;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RecordFormatTest {
  private static final String CONTAINER = "9f".repeat(32);

  static Map<String, Object> alert() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("schema", 1L);
    a.put("kind", "alert");
    a.put("id", "3d1219c7c4c5-000000000000002a");
    a.put("time", "2026-11-22T18:02:11.431Z");
    a.put("host", Map.of("name", "web-07", "id", "3d1219c7c4c5404aaa1f6d2a48adfda4"));
    a.put("rule", "container_escape_namespace");
    a.put("severity", "critical");
    a.put("tags", List.of("mitre.T1611", "escape"));
    a.put("summary", "process sh of container web runs in the host mount namespace");
    a.put("suppressed", 4L);
    a.put(
        "container",
        Map.of(
            "id",
            CONTAINER,
            "name",
            "web",
            "image",
            "nginx:1.25",
            "image_id",
            "sha256:1",
            "labels",
            Map.of("team", "a")));
    a.put(
        "process",
        Map.of(
            "pid",
            4242L,
            "ppid",
            4200L,
            "name",
            "sh",
            "exe",
            "/bin/sh",
            "cmdline",
            "sh -c id",
            "uid",
            0L));
    a.put("evidence", Map.of("mnt_ns", 4026531841L));
    a.put("event_id", "3d1219c7c4c5-0000000000000029");
    a.put("ruleset", Map.of("digest", "0123456789abcdef", "bundled_version", "1.0.0"));
    return a;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void anAlertAboutAFileNamesItInBothFormats() {
    Map<String, Object> a = alert();
    a.put("rule", "sensitive_file_read_in_container");
    a.put(
        "evidence",
        Map.of("path", "/hostetc/shadow", "host_path", "/etc/shadow", "attributed_by", "mount"));
    assertEquals(
        Map.of("path", "/hostetc/shadow", "name", "shadow"), RecordFormat.ECS.apply(a).get("file"));
    Map<String, Object> evidence =
        map(((List<?>) RecordFormat.OCSF.apply(a).get("evidences")).get(0));
    assertEquals(
        Map.of("name", "shadow", "path", "/hostetc/shadow", "type_id", 1, "type", "Regular File"),
        evidence.get("file"));
    // An alert whose evidence names no file has none.
    assertEquals(null, RecordFormat.ECS.apply(alert()).get("file"));
    assertEquals(
        null,
        map(((List<?>) RecordFormat.OCSF.apply(alert()).get("evidences")).get(0)).get("file"));
  }

  @Test
  void ocsfDetectionFindingCarriesTheRequiredFields() {
    Map<String, Object> f = RecordFormat.OCSF.apply(alert());
    // Required by OCSF 1.4.0 for Detection Finding (class 2004); OcsfSchemaTest checks them all.
    assertEquals(1, f.get("activity_id"));
    assertEquals(2, f.get("category_uid"));
    assertEquals(2004, f.get("class_uid"));
    assertEquals(200401L, f.get("type_uid"));
    assertEquals(5, f.get("severity_id"));
    assertEquals("Critical", f.get("severity"));
    assertEquals(Instant.parse("2026-11-22T18:02:11.431Z").toEpochMilli(), f.get("time"));
    Map<String, Object> metadata = map(f.get("metadata"));
    assertEquals("1.4.0", metadata.get("version"));
    assertEquals("Dockward", map(metadata.get("product")).get("name"));
    assertEquals("Dockward", map(metadata.get("product")).get("vendor_name"));
    Map<String, Object> info = map(f.get("finding_info"));
    assertEquals("3d1219c7c4c5-000000000000002a", info.get("uid"));
    assertEquals("process sh of container web runs in the host mount namespace", info.get("title"));
    assertEquals("container_escape_namespace", map(info.get("analytic")).get("uid"));
    // What makes it worth triaging without the host.
    Map<String, Object> attack = map(((List<?>) info.get("attacks")).get(0));
    assertEquals("T1611", map(attack.get("technique")).get("uid"));
    assertEquals("Escape to Host", map(attack.get("technique")).get("name"));
    assertEquals("TA0004", map(attack.get("tactic")).get("uid"));
    assertEquals(info.get("attacks"), f.get("attacks"), "the security control profile's copy");
    Map<String, Object> evidence = map(((List<?>) f.get("evidences")).get(0));
    Map<String, Object> container = map(evidence.get("container"));
    assertEquals(CONTAINER, container.get("uid"));
    assertEquals(
        Map.of(
            "uid",
            "sha256:1",
            "name",
            "nginx",
            "tags",
            List.of(Map.of("name", "tag", "value", "1.25"))),
        container.get("image"));
    assertEquals(
        List.of(Map.of("name", "team", "value", "a")),
        container.get("tags"),
        "labels as key-value pairs");
    Map<String, Object> process = map(evidence.get("process"));
    assertEquals("sh -c id", process.get("cmd_line"));
    assertEquals(
        Map.of("name", "sh", "path", "/bin/sh", "type_id", 1, "type", "Regular File"),
        process.get("file"));
    assertEquals(Map.of("mnt_ns", 4026531841L), evidence.get("data"));
    assertEquals(5, f.get("count"), "the alert and the 4 held back");
    assertEquals("web-07", map(f.get("device")).get("hostname"));
    assertEquals(
        "0123456789abcdef", map(info.get("analytic")).get("version"), "the rule set's version");
    assertEquals(true, f.get("is_alert"));
  }

  @Test
  void ecsAlertCarriesEventRuleContainerProcessAndTechnique() {
    Map<String, Object> e = RecordFormat.ECS.apply(alert());
    assertEquals("2026-11-22T18:02:11.431Z", e.get("@timestamp"));
    Map<String, Object> event = map(e.get("event"));
    assertEquals("alert", event.get("kind"));
    assertEquals(List.of("intrusion_detection"), event.get("category"));
    assertEquals(5, event.get("severity"));
    assertTrue(!event.containsKey("count"), "not an ECS field");
    assertEquals(5, map(e.get("dockward")).get("count"));
    assertEquals("container_escape_namespace", map(e.get("rule")).get("id"));
    Map<String, Object> container = map(e.get("container"));
    assertEquals(CONTAINER, container.get("id"));
    assertEquals("docker", container.get("runtime"));
    Map<String, Object> image = map(container.get("image"));
    assertEquals("nginx", image.get("name"));
    assertEquals(List.of("1.25"), image.get("tag"));
    assertEquals(Map.of("all", List.of("sha256:1")), image.get("hash"));
    assertEquals("sh -c id", map(e.get("process")).get("command_line"));
    assertEquals(4200L, map(map(e.get("process")).get("parent")).get("pid"));
    Map<String, Object> threat = map(e.get("threat"));
    assertEquals(List.of("T1611"), map(threat.get("technique")).get("id"));
    assertEquals(List.of("TA0004"), map(threat.get("tactic")).get("id"));
    assertEquals(List.of("Privilege Escalation"), map(threat.get("tactic")).get("name"));
    assertEquals("web-07", map(e.get("host")).get("name"));
    assertEquals(
        Map.of(
            "type",
            "dockward",
            "name",
            "web-07",
            "id",
            "3d1219c7c4c5404aaa1f6d2a48adfda4",
            "version",
            AgentVersion.get()),
        e.get("agent"));
    assertEquals("0123456789abcdef", map(e.get("rule")).get("version"), "the rule set's version");
  }

  @Test
  void subTechniquesGoToTheirOwnFields() {
    Map<String, Object> a = alert();
    a.put("tags", List.of("mitre.T1059.004", "mitre.T1611", "container"));
    Map<String, Object> threat = map(RecordFormat.ECS.apply(a).get("threat"));
    Map<String, Object> technique = map(threat.get("technique"));
    assertEquals(List.of("T1059", "T1611"), technique.get("id"));
    assertEquals(
        List.of("Command and Scripting Interpreter", "Escape to Host"), technique.get("name"));
    assertEquals(List.of("T1059.004"), map(technique.get("subtechnique")).get("id"));
    assertEquals(
        List.of("https://attack.mitre.org/techniques/T1059/004/"),
        map(technique.get("subtechnique")).get("reference"));
    assertEquals(List.of("TA0002", "TA0004"), map(threat.get("tactic")).get("id"));

    Map<String, Object> info = map(RecordFormat.OCSF.apply(a).get("finding_info"));
    Map<String, Object> first = map(((List<?>) info.get("attacks")).get(0));
    assertEquals("T1059", map(first.get("technique")).get("uid"));
    assertEquals("T1059.004", map(first.get("sub_technique")).get("uid"));
    assertEquals("Unix Shell", map(first.get("sub_technique")).get("name"));
    assertEquals(List.of("container"), info.get("types"), "the tags that are not ATT&CK ids");
  }

  @Test
  void aTechniqueTheTableDoesNotKnowMapsByIdAlone() {
    Map<String, Object> a = alert();
    a.put("tags", List.of("mitre.T9999.001"));
    Map<String, Object> technique =
        map(map(RecordFormat.ECS.apply(a).get("threat")).get("technique"));
    assertEquals(List.of("T9999"), technique.get("id"));
    assertTrue(!technique.containsKey("name"));
    assertTrue(!map(RecordFormat.ECS.apply(a).get("threat")).containsKey("tactic"));
    Map<String, Object> attack = map(((List<?>) RecordFormat.OCSF.apply(a).get("attacks")).get(0));
    assertEquals("T9999.001", map(attack.get("sub_technique")).get("uid"));
    assertTrue(!attack.containsKey("tactic"));
  }

  @Test
  void everyTechniqueTheBundledRulesTagIsInTheTable() {
    AttackTechniques table = AttackTechniques.bundled();
    List<String> missing = new ArrayList<>();
    for (Rule rule : RuleLoader.load(RuleFiles.bundled()).ruleSet().rules()) {
      for (String tag : rule.tags()) {
        if (tag.startsWith("mitre.")) {
          String id = tag.substring(6);
          if (table.of(id).isEmpty() || table.of(AttackTechniques.parentId(id)).isEmpty()) {
            missing.add(rule.id() + ": " + id);
          }
        }
      }
    }
    assertEquals(
        List.of(),
        missing,
        "regenerate attack-techniques.tsv (agent/src/test/resources/format/README.md)");
  }

  @Test
  void imageReferencesSplitIntoNameAndTag() {
    assertEquals(
        new ImageReference("nginx", Optional.of("1.25")), ImageReference.parse("nginx:1.25"));
    assertEquals(new ImageReference("nginx", Optional.empty()), ImageReference.parse("nginx"));
    assertEquals(
        new ImageReference("registry:5000/team/app", Optional.empty()),
        ImageReference.parse("registry:5000/team/app"));
    assertEquals(
        new ImageReference("registry:5000/team/app", Optional.of("v2")),
        ImageReference.parse("registry:5000/team/app:v2"));
    assertEquals(
        new ImageReference("app", Optional.empty()),
        ImageReference.parse("app@sha256:" + "ab".repeat(32)));
    assertEquals(
        new ImageReference("app", Optional.of("1")),
        ImageReference.parse("app:1@sha256:" + "ab".repeat(32)));
  }

  private static Map<String, Object> alertWithAncestors() {
    Map<String, Object> a = alert();
    Map<String, Object> process = new LinkedHashMap<>(map(a.get("process")));
    process.put(
        "ancestors",
        List.of(
            Map.of("pid", 4200L, "name", "sh", "exe", "/bin/sh", "cmdline", "sh -c 'sh -c id'"),
            Map.of(
                "pid",
                4100L,
                "name",
                "containerd-shim",
                "exe",
                "",
                "cmdline",
                "containerd-shim -id 9f")));
    a.put("process", process);
    return a;
  }

  @Test
  void ocsfGivesTheParentOneLevelDeepAndEveryAncestorInAncestry() {
    Map<String, Object> p =
        map(
            map(((List<?>) RecordFormat.OCSF.apply(alertWithAncestors()).get("evidences")).get(0))
                .get("process"));
    Map<String, Object> parent = map(p.get("parent_process"));
    assertEquals(4200L, parent.get("pid"));
    assertEquals("sh -c 'sh -c id'", parent.get("cmd_line"));
    assertEquals("/bin/sh", map(parent.get("file")).get("path"));
    assertEquals("sh", map(parent.get("file")).get("name"));
    assertTrue(!parent.containsKey("parent_process"), "the rest of the chain is in ancestry");
    assertEquals(
        List.of(
            Map.of("pid", 4200L, "name", "sh", "cmd_line", "sh -c 'sh -c id'", "path", "/bin/sh"),
            Map.of("pid", 4100L, "name", "containerd-shim", "cmd_line", "containerd-shim -id 9f")),
        p.get("ancestry"),
        "parent first; no path where the exe is unknown");
    assertTrue(!p.containsKey("lineage"), "deprecated in 1.4.0");
  }

  @Test
  void ecsTakesTheParentFromTheFirstAncestorAndKeepsTheChainUnderDockward() {
    Map<String, Object> e = RecordFormat.ECS.apply(alertWithAncestors());
    Map<String, Object> parent = map(map(e.get("process")).get("parent"));
    assertEquals(4200L, parent.get("pid"));
    assertEquals("sh", parent.get("name"));
    assertEquals("sh -c 'sh -c id'", parent.get("command_line"));
    assertEquals("/bin/sh", parent.get("executable"));
    assertEquals(2, ((List<?>) map(e.get("dockward")).get("process_ancestors")).size());
  }

  @Test
  void theHostsOsGoesToHostOsInEcsAndDeviceOsInOcsf() {
    Map<String, Object> a = alert();
    a.put(
        "host",
        Map.of(
            "name",
            "web-07",
            "id",
            "3d1219c7c4c5404aaa1f6d2a48adfda4",
            "os",
            Map.of("name", "Debian GNU/Linux", "version", "12", "kernel", "6.1.0-18-fixture")));
    Map<String, Object> ecsOs = map(map(RecordFormat.ECS.apply(a).get("host")).get("os"));
    assertEquals(
        Map.of(
            "type",
            "linux",
            "name",
            "Debian GNU/Linux",
            "family",
            "debian",
            "version",
            "12",
            "kernel",
            "6.1.0-18-fixture"),
        ecsOs);
    Map<String, Object> ocsfOs = map(map(RecordFormat.OCSF.apply(a).get("device")).get("os"));
    assertEquals(
        Map.of(
            "name",
            "Debian GNU/Linux",
            "type_id",
            200,
            "type",
            "Linux",
            "version",
            "12",
            "kernel_release",
            "6.1.0-18-fixture"),
        ocsfOs);

    a.put(
        "host",
        Map.of(
            "name",
            "web-07",
            "id",
            "3d1219c7c4c5404aaa1f6d2a48adfda4",
            "os",
            Map.of("kernel", "5.15.0-x")));
    Map<String, Object> named = map(map(RecordFormat.OCSF.apply(a).get("device")).get("os"));
    assertEquals("Linux", named.get("name"), "OCSF requires a name");
    assertEquals("5.15.0-x", named.get("kernel_release"));
    assertTrue(
        !map(map(RecordFormat.ECS.apply(a).get("host")).get("os")).containsKey("family"),
        "unknown family");
    assertTrue(
        !map(RecordFormat.ECS.apply(alert()).get("host")).containsKey("os"),
        "no os when the alert has none");
    assertTrue(!map(RecordFormat.OCSF.apply(alert()).get("device")).containsKey("os"));
  }

  @Test
  void eventsStayNativeInEveryFormatAndLifecycleRecordsAreMapped() {
    Map<String, Object> event = Map.of("schema", 1L, "kind", "event", "type", "exec");
    for (RecordFormat f : RecordFormat.values()) {
      assertSame(event, f.apply(event));
    }
    Map<String, Object> heartbeat =
        Map.of(
            "schema",
            1L,
            "kind",
            "event",
            "id",
            "3d1219c7c4c5-0000000000000001",
            "time",
            "2026-11-22T18:02:11.431Z",
            "host",
            Map.of("name", "web-07", "id", "3d12"),
            "type",
            "agent_heartbeat",
            "source",
            "agent",
            "agent",
            Map.of("version", "9.9", "uptime_s", 30L, "drops", 0L, "drops_new", 0L));
    assertSame(heartbeat, RecordFormat.NATIVE.apply(heartbeat));
    Map<String, Object> ocsf = RecordFormat.OCSF.apply(heartbeat);
    assertEquals(6002, ocsf.get("class_uid"));
    assertEquals(99, ocsf.get("activity_id"));
    assertEquals("Heartbeat", ocsf.get("activity_name"));
    Map<String, Object> ecs = RecordFormat.ECS.apply(heartbeat);
    assertEquals("state", map(ecs.get("event")).get("kind"));
    assertEquals("agent_heartbeat", map(ecs.get("event")).get("action"));
    assertEquals(30L, map(map(ecs.get("dockward")).get("agent")).get("uptime_s"));
  }

  @Test
  void theFormattingSinkSendsTheMappedTextButRoutesByTheNativeRecord() throws Exception {
    List<String> texts = new ArrayList<>();
    List<Map<String, Object>> routed = new ArrayList<>();
    Sink inner =
        new Sink() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public CompletionStage<Void> send(String json, Map<String, Object> record) {
            texts.add(json);
            routed.add(record);
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Map<String, Object> alert = alert();
    new FormattingSink(inner, RecordFormat.OCSF, id -> Optional.of("described " + id))
        .send("{native}", alert)
        .toCompletableFuture()
        .join();
    Map<?, ?> sent = new ObjectMapper().readValue(texts.get(0), Map.class);
    assertEquals(2004, ((Number) sent.get("class_uid")).intValue());
    assertEquals(
        "described container_escape_namespace", ((Map<?, ?>) sent.get("finding_info")).get("desc"));
    assertSame(alert, routed.get(0));
  }

  @Test
  void unknownFormatsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("cef"));
    assertTrue(RecordFormat.parse("OCSF") == RecordFormat.OCSF);
  }
}

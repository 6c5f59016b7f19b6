package dev.dockward.agent.ship.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.ship.Sink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    a.put("container", Map.of("id", CONTAINER, "name", "web", "image", "nginx:1.25", "image_id", "sha256:1",
        "labels", Map.of("team", "a")));
    a.put("process", Map.of("pid", 4242L, "ppid", 4200L, "name", "sh", "exe", "/bin/sh", "cmdline", "sh -c id", "uid", 0L));
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
  void ocsfDetectionFindingCarriesTheRequiredFields() {
    Map<String, Object> f = RecordFormat.OCSF.apply(alert());
    // Required by OCSF 1.1 for Detection Finding (class 2004), with their types.
    assertEquals(1, f.get("activity_id"));
    assertEquals(2, f.get("category_uid"));
    assertEquals(2004, f.get("class_uid"));
    assertEquals(200401, f.get("type_uid"));
    assertEquals(5, f.get("severity_id"));
    assertEquals(java.time.Instant.parse("2026-11-22T18:02:11.431Z").toEpochMilli(), f.get("time"));
    Map<String, Object> metadata = map(f.get("metadata"));
    assertEquals("1.1.0", metadata.get("version"));
    assertEquals("Dockward", map(metadata.get("product")).get("name"));
    assertEquals("Dockward", map(metadata.get("product")).get("vendor_name"));
    Map<String, Object> info = map(f.get("finding_info"));
    assertEquals("3d1219c7c4c5-000000000000002a", info.get("uid"));
    assertEquals("container_escape_namespace", info.get("title"));
    // What makes it worth triaging without the host.
    assertEquals(List.of(Map.of("technique", Map.of("uid", "T1611"), "version", "14")), f.get("attacks"));
    Map<String, Object> evidence = map(((List<?>) f.get("evidences")).get(0));
    assertEquals(CONTAINER, map(evidence.get("container")).get("uid"));
    assertEquals("nginx:1.25", map(map(evidence.get("container")).get("image")).get("name"));
    assertEquals("sh -c id", map(evidence.get("process")).get("cmd_line"));
    assertEquals(Map.of("mnt_ns", 4026531841L), evidence.get("data"));
    assertEquals(5L, f.get("count"), "the alert and the 4 held back");
    assertEquals("web-07", map(f.get("device")).get("hostname"));
    assertEquals("0123456789abcdef", map(info.get("analytic")).get("version"), "the rule set's version");
  }

  @Test
  void ecsAlertCarriesEventRuleContainerProcessAndTechnique() {
    Map<String, Object> e = RecordFormat.ECS.apply(alert());
    assertEquals("2026-11-22T18:02:11.431Z", e.get("@timestamp"));
    Map<String, Object> event = map(e.get("event"));
    assertEquals("alert", event.get("kind"));
    assertEquals(List.of("intrusion_detection"), event.get("category"));
    assertEquals(5, event.get("severity"));
    assertEquals("container_escape_namespace", map(e.get("rule")).get("id"));
    assertEquals(CONTAINER, map(e.get("container")).get("id"));
    assertEquals("nginx:1.25", map(map(e.get("container")).get("image")).get("name"));
    assertEquals(Map.of("all", List.of("sha256:1")), map(map(e.get("container")).get("image")).get("hash"));
    assertEquals("sh -c id", map(e.get("process")).get("command_line"));
    assertEquals(4200L, map(map(e.get("process")).get("parent")).get("pid"));
    assertEquals(List.of("T1611"), map(map(e.get("threat")).get("technique")).get("id"));
    assertEquals("web-07", map(e.get("host")).get("name"));
    assertEquals("0123456789abcdef", map(e.get("rule")).get("version"), "the rule set's version");
  }

  private static Map<String, Object> alertWithAncestors() {
    Map<String, Object> a = alert();
    Map<String, Object> process = new LinkedHashMap<>(map(a.get("process")));
    process.put("ancestors", List.of(
        Map.of("pid", 4200L, "name", "sh", "exe", "/bin/sh", "cmdline", "sh -c 'sh -c id'"),
        Map.of("pid", 4100L, "name", "containerd-shim", "exe", "", "cmdline", "containerd-shim -id 9f")));
    a.put("process", process);
    return a;
  }

  @Test
  void ocsfNestsTheAncestorsAsParentProcessesAndListsTheirLineage() {
    Map<String, Object> p = map(map(((List<?>) RecordFormat.OCSF.apply(alertWithAncestors()).get("evidences")).get(0))
        .get("process"));
    Map<String, Object> parent = map(p.get("parent_process"));
    assertEquals(4200L, parent.get("pid"));
    assertEquals("sh -c 'sh -c id'", parent.get("cmd_line"));
    assertEquals("/bin/sh", map(parent.get("file")).get("path"));
    Map<String, Object> grandparent = map(parent.get("parent_process"));
    assertEquals("containerd-shim", grandparent.get("name"));
    assertTrue(!grandparent.containsKey("parent_process"), "the chain ends with the last ancestor");
    assertEquals(List.of("/bin/sh", "containerd-shim"), p.get("lineage"), "the name where the path is unknown");
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
    a.put("host", Map.of("name", "web-07", "id", "3d1219c7c4c5404aaa1f6d2a48adfda4",
        "os", Map.of("name", "Debian GNU/Linux", "version", "12", "kernel", "6.1.0-18-fixture")));
    Map<String, Object> ecsOs = map(map(RecordFormat.ECS.apply(a).get("host")).get("os"));
    assertEquals(Map.of("type", "linux", "name", "Debian GNU/Linux", "version", "12", "kernel", "6.1.0-18-fixture"),
        ecsOs);
    Map<String, Object> ocsfOs = map(map(RecordFormat.OCSF.apply(a).get("device")).get("os"));
    assertEquals(Map.of("name", "Debian GNU/Linux", "type_id", 100, "type", "Linux", "version", "12",
        "kernel_release", "6.1.0-18-fixture"), ocsfOs);

    a.put("host", Map.of("name", "web-07", "id", "3d1219c7c4c5404aaa1f6d2a48adfda4", "os", Map.of("kernel", "5.15.0-x")));
    Map<String, Object> named = map(map(RecordFormat.OCSF.apply(a).get("device")).get("os"));
    assertEquals("Linux", named.get("name"), "OCSF requires a name");
    assertEquals("5.15.0-x", named.get("kernel_release"));
    assertTrue(!map(RecordFormat.ECS.apply(alert()).get("host")).containsKey("os"), "no os when the alert has none");
    assertTrue(!map(RecordFormat.OCSF.apply(alert()).get("device")).containsKey("os"));
  }

  @Test
  void eventsStayNativeInEveryFormat() {
    Map<String, Object> event = Map.of("schema", 1L, "kind", "event", "type", "exec");
    for (RecordFormat f : RecordFormat.values()) {
      assertSame(event, f.apply(event));
    }
  }

  @Test
  void theFormattingSinkSendsTheMappedTextButRoutesByTheNativeRecord() throws Exception {
    List<String> texts = new ArrayList<>();
    List<Map<String, Object>> routed = new ArrayList<>();
    Sink inner = new Sink() {
      @Override public String name() { return "test"; }
      @Override public CompletionStage<Void> send(String json, Map<String, Object> record) {
        texts.add(json);
        routed.add(record);
        return CompletableFuture.completedFuture(null);
      }
      @Override public void flush() { }
      @Override public void close() { }
    };
    Map<String, Object> alert = alert();
    new FormattingSink(inner, RecordFormat.OCSF).send("{native}", alert).toCompletableFuture().join();
    assertEquals(2004, ((Number) new ObjectMapper().readValue(texts.get(0), Map.class).get("class_uid")).intValue());
    assertSame(alert, routed.get(0));
  }

  @Test
  void unknownFormatsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("cef"));
    assertTrue(RecordFormat.parse("OCSF") == RecordFormat.OCSF);
  }
}

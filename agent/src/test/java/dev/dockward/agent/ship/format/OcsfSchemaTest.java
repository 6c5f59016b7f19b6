package dev.dockward.agent.ship.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every sample record mapped to OCSF conforms to OCSF 1.4.0 as ocsf-1.4.0-facts.json states it. */
class OcsfSchemaTest {
  private static OcsfFacts facts;
  private static List<Map<String, Object>> mapped;

  @BeforeAll
  static void load() throws Exception {
    facts = OcsfFacts.load();
    mapped = MappedSamples.mapped(RecordFormat.OCSF);
  }

  @Test
  void everyMappedRecordConformsToItsClass() {
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> r : mapped) {
      for (String p : facts.problems(r)) {
        problems.add(
            r.get("class_uid") + " " + OcsfFacts.map(r.get("metadata")).get("uid") + ": " + p);
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theSamplesCoverEveryAlertAndEveryLifecyclePhase() {
    long nativeAlerts =
        MappedSamples.nativeRecords().stream().filter(r -> "alert".equals(r.get("kind"))).count();
    assertTrue(
        nativeAlerts >= 10, "the bundled rules raise alerts on the samples: " + nativeAlerts);
    assertEquals(
        nativeAlerts, mapped.stream().filter(r -> r.get("class_uid").equals(2004)).count());
    Set<Object> activities = new TreeSet<>();
    mapped.stream()
        .filter(r -> r.get("class_uid").equals(6002))
        .forEach(r -> activities.add(r.get("activity_name")));
    assertEquals(Set.of("Heartbeat", "Journal overflow", "Start", "Stop"), activities);
    for (Map<String, Object> r : MappedSamples.nativeRecords()) {
      boolean agentRecord = String.valueOf(r.get("type")).startsWith("agent_");
      boolean changed = RecordFormat.OCSF.apply(r) != r;
      assertEquals(
          "alert".equals(r.get("kind")) || agentRecord,
          changed,
          "mapped or left native: " + r.get("type"));
    }
  }

  @Test
  void findingsCarryTheRecommendedAttributes() {
    for (Map<String, Object> f : mapped) {
      if (!f.get("class_uid").equals(2004)) {
        continue;
      }
      for (String attr :
          List.of(
              "confidence_id",
              "is_alert",
              "observables",
              "evidences",
              "device",
              "message",
              "status_id",
              "timezone_offset")) {
        assertTrue(f.containsKey(attr), attr + " in " + f.get("finding_info"));
      }
      assertEquals(List.of("security_control"), OcsfFacts.map(f.get("metadata")).get("profiles"));
      Map<String, Object> info = OcsfFacts.map(f.get("finding_info"));
      assertTrue(
          !info.get("title").equals(OcsfFacts.map(info.get("analytic")).get("uid")),
          "a title, not the rule id");
      assertTrue(
          OcsfFacts.map(info.get("analytic")).containsKey("desc"),
          "the bundled rule's description");
    }
    Map<String, Object> started =
        mapped.stream()
            .filter(
                r ->
                    "agent_started".equals(OcsfFacts.map(r.get("unmapped")).get("dockward_type"))
                        && OcsfFacts.map(r.get("unmapped")).containsKey("dockward_host_facts"))
            .findFirst()
            .orElseThrow();
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
        OcsfFacts.map(started.get("device")).get("os"));
    assertEquals(List.of("host"), OcsfFacts.map(started.get("metadata")).get("profiles"));
  }

  @Test
  void severityCaptionsAreOcsfs() {
    Map<String, Object> alert = RecordFormatTest.alert();
    for (String s : List.of("info", "low", "medium", "high", "critical")) {
      alert.put("severity", s);
      Map<String, Object> f = RecordFormat.OCSF.apply(alert);
      Object caption =
          OcsfFacts.map(OcsfFacts.map(facts.classFacts(2004).get("attributes")).get("severity_id"))
              .get("enum");
      assertEquals(
          OcsfFacts.map(caption).get(String.valueOf(f.get("severity_id"))), f.get("severity"));
    }
  }

  /** The check itself finds what the issue found in the 1.1 mapping. */
  @Test
  void theCheckRejectsTheOldMappingsFaults() {
    Map<String, Object> good =
        MappedSamples.roundTrip(RecordFormat.OCSF.apply(RecordFormatTest.alert()));
    assertEquals(List.of(), facts.problems(good));

    Map<String, Object> labels = copy(good);
    container(labels).put("labels", Map.of("team", "a"));
    assertTrue(
        facts.problems(labels).contains("evidences[0].container.labels is not an array"),
        facts.problems(labels).toString());

    Map<String, Object> file = copy(good);
    process(file).put("file", Map.of("path", "/bin/sh"));
    assertTrue(
        facts
            .problems(file)
            .containsAll(
                List.of(
                    "evidences[0].process.file.name is required and missing",
                    "evidences[0].process.file.type_id is required and missing")),
        facts.problems(file).toString());

    Map<String, Object> info = copy(good);
    info.put("severity_id", 1);
    info.put("severity", "Info");
    assertTrue(
        facts
            .problems(info)
            .contains("severity = Info, the caption of severity_id = 1 is Informational"),
        facts.problems(info).toString());

    Map<String, Object> lineage = copy(good);
    process(lineage).put("lineage", List.of("/bin/sh"));
    assertTrue(
        facts.problems(lineage).contains("evidences[0].process.lineage is deprecated in 1.4.0"));

    Map<String, Object> profile = copy(good);
    OcsfFacts.map(profile.get("metadata")).put("profiles", List.of());
    assertTrue(
        facts
            .problems(profile)
            .contains(
                "attacks belongs to profile security_control, which metadata.profiles "
                    + "does not list"),
        facts.problems(profile).toString());

    Map<String, Object> stray = copy(good);
    stray.put("rule", "x");
    OcsfFacts.map(stray.get("device")).remove("type_id");
    assertTrue(
        facts
            .problems(stray)
            .containsAll(
                List.of("rule is not an attribute here", "device.type_id is required and missing")),
        facts.problems(stray).toString());

    Map<String, Object> linux = copy(good);
    OcsfFacts.map(linux.get("device"))
        .put("os", Map.of("name", "Linux", "type_id", 100, "type", "Linux"));
    assertTrue(
        facts
            .problems(linux)
            .contains("device.os.type = Linux, the caption of device.os.type_id = 100 is Windows"),
        facts.problems(linux).toString());
  }

  private static Map<String, Object> copy(Map<String, Object> m) {
    return MappedSamples.roundTrip(new LinkedHashMap<>(m));
  }

  private static Map<String, Object> evidence(Map<String, Object> f) {
    return OcsfFacts.map(((List<?>) f.get("evidences")).get(0));
  }

  private static Map<String, Object> container(Map<String, Object> f) {
    return OcsfFacts.map(evidence(f).get("container"));
  }

  private static Map<String, Object> process(Map<String, Object> f) {
    return OcsfFacts.map(evidence(f).get("process"));
  }
}

package dev.dockward.agent.ship.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every sample record mapped to ECS uses only ECS 8.11 fields with their types (and the {@code
 * dockward.*} namespace), allowed categorisation values, and docs/ecs-index-template.json maps
 * every field the mapper writes with a type that takes its values.
 */
class EcsFieldsTest {
  /**
   * The template maps these ECS fields otherwise than ECS does, on purpose
   * (docs/output-formats.md).
   */
  private static final Map<String, String> TEMPLATE_OVERRIDES =
      Map.of("container.labels", "flattened");

  private static EcsFields ecs;
  private static List<Map<String, Object>> mapped;

  @BeforeAll
  static void load() throws Exception {
    ecs = EcsFields.load();
    mapped = MappedSamples.mapped(RecordFormat.ECS);
  }

  @Test
  void everyMappedRecordUsesEcsFieldsWithTheirTypes() {
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> r : mapped) {
      problems.addAll(ecs.problems(r));
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void alertsAndLifecycleRecordsAreMappedAndEveryOtherEventIsLeftNative() {
    long alerts =
        MappedSamples.nativeRecords().stream().filter(r -> "alert".equals(r.get("kind"))).count();
    assertEquals(
        alerts,
        mapped.stream()
            .filter(r -> "alert".equals(OcsfFacts.map(r.get("event")).get("kind")))
            .count());
    assertEquals(
        5,
        mapped.stream()
            .filter(r -> "state".equals(OcsfFacts.map(r.get("event")).get("kind")))
            .count(),
        "agent_heartbeat, agent_started twice, agent_stopped, agent_journal_overflow");
  }

  @Test
  void theTemplateMapsEveryFieldTheMapperWrites() throws IOException {
    Map<String, Object> template =
        new ObjectMapper()
            .readValue(
                Files.readString(templatePath()), new TypeReference<Map<String, Object>>() {});
    Map<String, Object> properties =
        OcsfFacts.map(
            OcsfFacts.map(OcsfFacts.map(template.get("template")).get("mappings"))
                .get("properties"));
    Map<String, String> mappedTypes = new TreeMap<>();
    leaves("", properties, mappedTypes);
    assertEquals(
        "flattened", mappedTypes.get("dockward.evidence"), "evidence changes shape with the rule");
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> r : mapped) {
      Map<String, Object> values = new TreeMap<>();
      ecs.flatten("", r, values, mappedTypes);
      values.forEach(
          (field, value) -> {
            String type = mappedTypes.get(field);
            if (type == null) {
              problems.add(field + " is not in the template");
            } else if (!EcsFields.takes(type, value)) {
              problems.add(field + " = " + value + " does not fit the template's " + type);
            }
          });
    }
    // ECS fields keep ECS's types in the template.
    mappedTypes.forEach(
        (field, type) -> {
          if (!field.startsWith("dockward.")) {
            EcsFields.Field f = ecs.fields.get(field);
            String want = TEMPLATE_OVERRIDES.getOrDefault(field, f == null ? null : f.type());
            if (!type.equals(want)) {
              problems.add(
                  "template maps "
                      + field
                      + " as "
                      + type
                      + ", ECS as "
                      + (f == null ? "nothing" : f.type()));
            }
          }
        });
    assertEquals(List.of(), problems.stream().distinct().toList());
  }

  /** The check itself finds what the issue found in the earlier mapping. */
  @Test
  void theCheckRejectsTheOldMappingsFaults() {
    Map<String, Object> good =
        MappedSamples.roundTrip(RecordFormat.ECS.apply(RecordFormatTest.alert()));
    assertEquals(List.of(), ecs.problems(good));
    Map<String, Object> bad = MappedSamples.roundTrip(new LinkedHashMap<>(good));
    OcsfFacts.map(bad.get("event")).put("count", 5);
    OcsfFacts.map(bad.get("threat"))
        .put("technique", Map.of("id", List.of("T1059.004"), "sub", "x"));
    OcsfFacts.map(bad.get("event")).put("kind", "finding");
    OcsfFacts.map(bad.get("event")).put("category", List.of("threat"));
    assertEquals(
        List.of(
            "event.count is not an ECS field",
            "event.kind = finding is not allowed",
            "event.type info is not expected with event.category threat",
            "threat.technique.sub is not an ECS field"),
        ecs.problems(bad).stream().sorted().toList());
    assertTrue(
        !ecs.problems(Map.of("process", Map.of("pid", "4242"))).isEmpty(),
        "a pid as text is not a long");
  }

  private static void leaves(
      String prefix, Map<String, Object> properties, Map<String, String> out) {
    properties.forEach(
        (name, def) -> {
          String field = prefix.isEmpty() ? name : prefix + "." + name;
          Map<String, Object> d = OcsfFacts.map(def);
          if (d.containsKey("properties")) {
            leaves(field, OcsfFacts.map(d.get("properties")), out);
          } else {
            out.put(field, String.valueOf(d.getOrDefault("type", "object")));
          }
        });
  }

  static Path templatePath() {
    return Path.of("").toAbsolutePath().getParent().resolve("docs/ecs-index-template.json");
  }
}

package dev.dockward.agent.ship.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.agent.journal.RecordSamples;
import dev.dockward.agent.schema.RecordSchema;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFile;
import dev.dockward.rules.RuleLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of event, as the sealed {@link Event} hierarchy names them, is present everywhere the
 * record contract is written down: a sample in {@link RecordSamples}, a definition of its type in
 * the published schema, and an outcome in OCSF and ECS. The mappers have no code per kind: they map
 * the agent's lifecycle records and leave other events native, and they map an alert whatever kind
 * of event raised it; so for each kind its records must come out either mapped and conforming or
 * unchanged, and an alert raised on it must map and conform. A new kind fails here until it is
 * sampled and defined.
 */
class EventKindCoverageTest {
  private static final Path SCHEMA =
      Path.of("").toAbsolutePath().getParent().resolve("docs/schema/record-1.schema.json");

  /** Raises an alert on every event, so each kind's alert goes through the mappers. */
  private static final String EVERY_EVENT =
      """
      rules:
        - id: every_event
          description: An alert on any event, for the coverage test.
          condition: "true"
          severity: low
          tags: [coverage]
          output: "{event.type} seen"
      """;

  private static final HostInfo HOST = new HostInfo("web-07", "3d1219c7c4c5404aaa1f6d2a48adfda4");

  private static JsonNode schemaTree;
  private static OcsfFacts ocsf;
  private static EcsFields ecs;
  private final RecordSchema schema = new RecordSchema();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void load() throws Exception {
    schemaTree = new ObjectMapper().readTree(Files.readString(SCHEMA));
    ocsf = OcsfFacts.load();
    ecs = EcsFields.load();
  }

  /**
   * The concrete kinds: the records among Event's permitted subclasses, through any sealed
   * sub-interface.
   */
  static Set<Class<?>> kinds() {
    Set<Class<?>> out = new LinkedHashSet<>();
    List<Class<?>> open = new ArrayList<>(List.of(Event.class));
    while (!open.isEmpty()) {
      Class<?> c = open.remove(0);
      if (c.isSealed()) {
        open.addAll(List.of(c.getPermittedSubclasses()));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** The samples of each kind, by kind. */
  private static Map<Class<?>, List<Event>> samplesByKind() {
    Map<Class<?>, List<Event>> out = new LinkedHashMap<>();
    for (Event e : RecordSamples.everyKind()) {
      out.computeIfAbsent(e.getClass(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  @Test
  void theHierarchyIsFound() {
    Set<Class<?>> kinds = kinds();
    assertTrue(kinds.size() >= 19, "kinds found: " + kinds);
    assertTrue(kinds.stream().allMatch(Class::isRecord), "every kind is a record: " + kinds);
  }

  @Test
  void everyKindHasASample() {
    Set<String> missing = new TreeSet<>();
    Map<Class<?>, List<Event>> samples = samplesByKind();
    for (Class<?> kind : kinds()) {
      if (!samples.containsKey(kind)) {
        missing.add(kind.getSimpleName());
      }
    }
    assertEquals(Set.of(), missing, "kinds without a sample in RecordSamples.everyKind()");
  }

  @Test
  void everyKindsTypeIsDefinedInTheSchemaAndItsSamplesConform() throws Exception {
    Set<String> enumerated = new TreeSet<>();
    schemaTree.at("/$defs/event/properties/type/enum").forEach(t -> enumerated.add(t.asText()));
    assertFalse(enumerated.isEmpty(), "the schema enumerates event types");
    List<String> problems = new ArrayList<>();
    RecordIds ids = new RecordIds("3d1219c7c4c5", 1, 1);
    for (List<Event> events : samplesByKind().values()) {
      for (Event e : events) {
        String kind = e.getClass().getSimpleName();
        if (!enumerated.contains(e.type())) {
          problems.add(kind + ": type " + e.type() + " is not in the schema's event types");
        }
        if (!definedInTheSchema(e.type())) {
          problems.add(
              kind
                  + ": type "
                  + e.type()
                  + " has no definition (if type ... then ...) in the schema");
        }
        String line = json.writeValueAsString(EventDocuments.of(e, HOST, ids.next()));
        schema.problems(line).forEach(p -> problems.add(kind + ": " + p));
      }
    }
    assertEquals(List.of(), problems);
  }

  /**
   * Whether a branch of the event definition is about {@code type} (by {@code const} or {@code
   * enum}).
   */
  private static boolean definedInTheSchema(String type) {
    for (JsonNode branch : schemaTree.at("/$defs/event/allOf")) {
      JsonNode when = branch.at("/if/properties/type");
      if (type.equals(when.path("const").asText(null))) {
        return true;
      }
      for (JsonNode t : when.path("enum")) {
        if (type.equals(t.asText())) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void everyKindAndAnAlertOnItComeOutOfOcsfAndEcsMappedAndConformingOrNative() {
    RuleDetector detector =
        new RuleDetector(
            new RuleEngine(
                RuleLoader.load(List.of(new RuleFile("coverage.yaml", EVERY_EVENT))).ruleSet()));
    RecordIds ids = new RecordIds("3d1219c7c4c5", 1, 1);
    List<String> problems = new ArrayList<>();
    for (List<Event> events : samplesByKind().values()) {
      for (Event e : events) {
        String kind = e.getClass().getSimpleName();
        Map<String, Object> record = EventDocuments.of(e, HOST, ids.next());
        List<Map<String, Object>> alerts = detector.alertsFor(record, ids::next);
        assertEquals(1, alerts.size(), kind + " raises the catch-all rule's alert");
        Map<String, Object> alert = alerts.get(0);
        for (RecordFormat format : List.of(RecordFormat.OCSF, RecordFormat.ECS)) {
          Map<String, Object> out = format.apply(record, RuleDescriptions.NONE);
          if (Fields.isLifecycle(record)) {
            assertNotSame(record, out, kind + " is mapped by " + format);
            problems.addAll(problems(format, kind, out));
          } else {
            assertSame(record, out, kind + " is left native by " + format);
          }
          Map<String, Object> mappedAlert = format.apply(alert, RuleDescriptions.NONE);
          assertNotSame(alert, mappedAlert, "an alert on " + kind + " is mapped by " + format);
          problems.addAll(problems(format, "alert on " + kind, mappedAlert));
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  private static List<String> problems(
      RecordFormat format, String what, Map<String, Object> mapped) {
    Map<String, Object> read = MappedSamples.roundTrip(mapped);
    List<String> p = format == RecordFormat.OCSF ? ocsf.problems(read) : ecs.problems(read);
    return p.stream().map(x -> format + " " + what + ": " + x).toList();
  }
}

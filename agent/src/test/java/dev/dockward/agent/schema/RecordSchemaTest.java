package dev.dockward.agent.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.RecordSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every kind of record the collector and the rules produce conforms to the published schema: the
 * journal tests' samples (an event of every kind, hostile text included, and the alerts the agent's
 * detector chain raises on them).
 */
class RecordSchemaTest {
  private final RecordSchema schema = new RecordSchema();
  private final ObjectMapper json = new ObjectMapper();

  private List<String> lines() throws Exception {
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> record : RecordSamples.records()) {
      lines.add(json.writeValueAsString(record));
    }
    return lines;
  }

  @Test
  void everyEventKindAndTheAlertsItRaisesConform() throws Exception {
    List<String> lines = lines();
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"kind\":\"alert\"")),
        "the samples raise alerts too");
    schema.assertAllValid(lines);
  }

  @Test
  void alertsAsTheAgentsDetectorChainWritesThemConform() throws Exception {
    // Ancestry and the rule-set version are added by the agent around the rule engine.
    String line =
        lines().stream()
            .filter(l -> l.contains("\"rule\":\"shell_in_container\""))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("a shell in a container raises shell_in_container"));
    assertTrue(line.contains("\"ancestors\":[{\"pid\":4200"), line);
    assertTrue(line.contains("\"ruleset\":{\"digest\":\""), line);
    schema.assertAllValid(List.of(line));
  }

  @Test
  void sensorStatesAndTheAlertOnABlindSensorConform() throws Exception {
    String started = sample("agent_started");
    assertTrue(started.contains("\"degraded_new\":[\"host_writes\"]"), started);
    assertFalse(
        schema.problems(started.replace("\"state\":\"off\"", "\"state\":\"asleep\"")).isEmpty(),
        "a sensor state is one of running, degraded, off");
    String alert =
        lines().stream()
            .filter(l -> l.contains("\"rule\":\"agent_sensor_degraded\""))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError("a sensor degraded at start raises agent_sensor_degraded"));
    assertTrue(alert.contains("sensor degraded: host_writes (no fanotify"), alert);
    schema.assertAllValid(List.of(started, alert));
  }

  /** The document of the first sample event of {@code type}. */
  private String sample(String type) throws Exception {
    for (Map<String, Object> record : RecordSamples.records()) {
      if (type.equals(record.get("type"))) {
        return json.writeValueAsString(record);
      }
    }
    throw new AssertionError("no sample of type " + type);
  }

  @Test
  void brokenRecordsAreRejected() throws Exception {
    String good = sample("container_start");
    assertEquals(List.of(), schema.problems(good));
    assertFalse(schema.problems(good.replace("\"schema\":1", "\"schema\":2")).isEmpty());
    assertFalse(schema.problems(good.replaceFirst("3d1219c7c4c5-[0-9a-f]{32}", "x-1")).isEmpty());
    assertEquals(
        List.of(),
        schema.problems(
            good.replaceFirst("3d1219c7c4c5-[0-9a-f]{32}", "3d1219c7c4c5-000000000000002a")),
        "ids journalled by earlier agents (16 hex digits, no epoch) stay valid");
    assertFalse(
        schema
            .problems(
                good.replaceFirst("3d1219c7c4c5-[0-9a-f]{32}", "3d1219c7c4c5-" + "0".repeat(24)))
            .isEmpty());
    assertFalse(
        schema
            .problems(
                good.replaceFirst("3d1219c7c4c5-[0-9a-f]{32}", "3d1219c7c4c5-" + "A".repeat(32)))
            .isEmpty());
    assertFalse(
        schema.problems(good.replace(",\"already_running\":true", "")).isEmpty(),
        "container_start needs it");
    String posture = sample("posture_finding");
    assertEquals(List.of(), schema.problems(posture));
    assertFalse(
        schema.problems(posture.replace("\"state\":\"open\"", "\"state\":\"closed\"")).isEmpty());
    assertFalse(
        schema.problems(posture.replace("\"cis\":\"2.7\"", "\"cis\":\"CIS 2.7\"")).isEmpty());
    assertFalse(
        schema
            .problems(posture.replace("\"subject\":\"host\"", "\"subject\":\"host\",\"x\":1"))
            .isEmpty(),
        "finding objects are closed");
    assertFalse(
        schema
            .problems(
                good.replace("\"image\":\"nginx:1.25\"", "\"image\":\"nginx:1.25\",\"extra\":1"))
            .isEmpty(),
        "container objects are closed: a new field must be added to the schema first");
    String write = sample("host_file_write");
    assertEquals(List.of(), schema.problems(write));
    assertFalse(
        schema.problems(write.replace("\"host_path\"", "\"hostpath\"")).isEmpty(),
        "host_file_write needs host_path");
    String open = sample("file_open");
    assertEquals(List.of(), schema.problems(open));
    assertFalse(
        schema
            .problems(open.replace("\"attributed_by\":\"mount\"", "\"attributed_by\":\"guess\""))
            .isEmpty(),
        "attributed_by is one of three");
    assertFalse(
        schema.problems(open.replace("\"path\":\"/hostetc/shadow\",", "")).isEmpty(),
        "file_open needs path");
    String own = sample("container_file_write");
    assertEquals(List.of(), schema.problems(own));
    assertFalse(
        schema.problems(own.replace("\"loader_preload\"", "\"preload\"")).isEmpty(),
        "categories are an enum");
    assertFalse(
        schema.problems(own.replace("\"category\"", "\"kind\"")).isEmpty(),
        "container_file_write needs a category");
    String alert =
        "{\"schema\":1,\"kind\":\"alert\",\"id\":\"3d1219c7c4c5-0000000000000002\",\"time\":\"2026-11-22T18:02:11.431Z\","
            + "\"host\":{\"name\":\"h\",\"id\":\"3d1219c7c4c5404a\"},\"rule\":\"r\",\"severity\":\"urgent\",\"tags\":[],"
            + "\"summary\":\"s\",\"evidence\":{},\"event_id\":\"3d1219c7c4c5-0000000000000001\"}";
    assertFalse(schema.problems(alert).isEmpty(), "severity outside the five levels");
    assertEquals(List.of(), schema.problems(alert.replace("urgent", "high")));
  }
}

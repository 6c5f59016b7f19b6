package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The event fixtures the rule tests run on are records as the collector writes them: each conforms
 * to the published record schema (docs/schema), so a field renamed in the collector, and then in
 * the schema, fails here until the fixtures say it too.
 */
class FixtureSchemaTest {
  private static final Path SCHEMA =
      Path.of("").toAbsolutePath().getParent().resolve("docs/schema/record-1.schema.json");
  private static final Path FIXTURES = Path.of("src/test/resources/events");

  private final ObjectMapper json = new ObjectMapper();
  private final JsonNode schemaTree = read(SCHEMA);
  private final JsonSchema schema =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaTree);

  private JsonNode read(Path file) {
    try {
      return json.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  /**
   * What is wrong with a record: the schema's complaints, and top-level fields the schema does not
   * name for the record's type. The schema lets consumers meet top-level fields they do not know; a
   * fixture has no such excuse, and this is where a renamed optional field shows.
   */
  private List<String> problems(JsonNode record) {
    List<String> out = new ArrayList<>();
    schema.validate(record).stream().map(ValidationMessage::getMessage).forEach(out::add);
    Set<String> known = topLevelFields(record.path("type").asText());
    record
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                out.add(
                    "$."
                        + name
                        + ": not a field of "
                        + record.path("type").asText()
                        + " records in the schema");
              }
            });
    return out.stream().sorted().toList();
  }

  /**
   * The top-level fields the schema names for an event of {@code type}: envelope, common event
   * fields and the type's own.
   */
  private Set<String> topLevelFields(String type) {
    Set<String> names = new TreeSet<>();
    schemaTree.path("properties").fieldNames().forEachRemaining(names::add);
    JsonNode event = schemaTree.path("$defs").path("event");
    event.path("properties").fieldNames().forEachRemaining(names::add);
    for (JsonNode branch : event.path("allOf")) {
      JsonNode when = branch.path("if").path("properties").path("type");
      boolean applies = type.equals(when.path("const").asText(null));
      for (JsonNode t : when.path("enum")) {
        applies |= type.equals(t.asText());
      }
      if (applies) {
        branch.path("then").path("properties").fieldNames().forEachRemaining(names::add);
      }
    }
    return names;
  }

  private static List<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(FIXTURES)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void everyEventFixtureConformsToTheRecordSchema() throws IOException {
    List<Path> fixtures = fixtures();
    assertTrue(fixtures.size() >= 90, "the fixtures are found: " + fixtures.size());
    StringBuilder failures = new StringBuilder();
    for (Path fixture : fixtures) {
      JsonNode record = read(fixture);
      assertEquals("event", record.path("kind").asText(), fixture + " is an event record");
      List<String> p = problems(record);
      if (!p.isEmpty()) {
        failures.append(fixture.getFileName()).append(": ").append(p).append('\n');
      }
    }
    assertEquals("", failures.toString(), "fixtures that break docs/schema/record-1.schema.json");
  }

  @Test
  void aFixtureWithARenamedFieldIsRejected() throws IOException {
    ObjectNode exec = (ObjectNode) json.readTree(FIXTURES.resolve("docker_exec.json").toFile());
    assertEquals(List.of(), problems(exec));
    ObjectNode renamed = exec.deepCopy();
    ObjectNode inner = (ObjectNode) renamed.get("exec");
    inner.set("command", inner.remove("cmdline"));
    assertFalse(problems(renamed).isEmpty(), "exec.cmdline renamed to exec.command");
    ObjectNode process =
        (ObjectNode) json.readTree(FIXTURES.resolve("exec_shell_on_host.json").toFile());
    ((ObjectNode) process.get("process"))
        .set("executable", ((ObjectNode) process.get("process")).remove("exe"));
    assertFalse(problems(process).isEmpty(), "process.exe renamed to process.executable");
    ObjectNode stop = (ObjectNode) json.readTree(FIXTURES.resolve("container_stop.json").toFile());
    assertEquals(List.of(), problems(stop));
    stop.set("exitcode", stop.remove("exit_code"));
    assertEquals(
        List.of("$.exitcode: not a field of container_stop records in the schema"),
        problems(stop),
        "an optional top-level field renamed");
  }
}

package dev.dockward.agent.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The published record schema (docs/schema), for tests that check what the agent writes. */
public final class RecordSchema {
  private static final Path FILE =
      Path.of("").toAbsolutePath().getParent().resolve("docs/schema/record-1.schema.json");
  private final JsonSchema schema;
  private final ObjectMapper json = new ObjectMapper();

  public RecordSchema() {
    try {
      schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(Files.readString(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("the schema is part of the repo: " + FILE, e);
    }
  }

  /** What is wrong with one record line; empty when it conforms. */
  public List<String> problems(String line) {
    try {
      return schema.validate(json.readTree(line)).stream()
          .map(ValidationMessage::getMessage)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of("not JSON: " + e.getMessage());
    }
  }

  /** Fails with every problem of every non-conforming line. */
  public void assertAllValid(List<String> lines) {
    StringBuilder failures = new StringBuilder();
    for (String line : lines) {
      List<String> p = problems(line);
      if (!p.isEmpty()) {
        failures.append(p).append(" in ").append(line).append('\n');
      }
    }
    if (failures.length() > 0) {
      throw new AssertionError("records that break docs/schema/record-1.schema.json:\n" + failures);
    }
  }
}

package dev.dockward.agent.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The published record schema (docs/schema/record-1.schema.json, carried in the jar), compiled
 * once. Thread-safe: the compiled schema keeps no per-validation state.
 */
public final class PublishedSchema {
  /** Where the jar carries the schema. */
  static final String RESOURCE = "dev/dockward/agent/schema/record-1.schema.json";

  private final JsonSchema schema;

  private PublishedSchema(JsonSchema schema) {
    this.schema = schema;
  }

  /**
   * The schema from the jar.
   *
   * @throws IllegalStateException when the jar does not carry it (a packaging bug)
   */
  public static PublishedSchema load() {
    try (InputStream in = PublishedSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the record schema is missing from the jar: " + RESOURCE);
      }
      return new PublishedSchema(
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with a record, sorted; empty when it conforms. */
  public List<String> problems(JsonNode record) {
    return schema.validate(record).stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}

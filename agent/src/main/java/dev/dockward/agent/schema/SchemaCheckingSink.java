package dev.dockward.agent.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.ship.ForwardingSink;
import dev.dockward.agent.ship.Sink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Checks each native record against the published schema before the sink gets it. A record that
 * breaks it is never shipped silently: it is counted and logged ({@link SchemaViolations}) and
 * shipped with {@code schema_errors} (the problems, as text) added at the top level, so a consumer
 * can route it aside; the journal keeps it as the pipeline wrote it. Shipping it rather than
 * holding it back is deliberate: an alert a SIEM has to set aside still reaches the analyst, one
 * withheld does not.
 */
public final class SchemaCheckingSink extends ForwardingSink {
  /** The top-level field that marks a record breaking the schema. */
  public static final String MARKER = "schema_errors";

  private final PublishedSchema schema;
  private final SchemaViolations violations;
  private final ObjectMapper json = new ObjectMapper();

  public SchemaCheckingSink(Sink inner, PublishedSchema schema, SchemaViolations violations) {
    super(inner);
    this.schema = schema;
    this.violations = violations;
  }

  @Override
  public CompletionStage<Void> send(String text, Map<String, Object> record) {
    List<String> problems = schema.problems(json.valueToTree(record));
    if (problems.isEmpty()) {
      return inner.send(text, record);
    }
    violations.count(inner.name(), record, problems);
    Map<String, Object> marked = new LinkedHashMap<>(record);
    marked.put(MARKER, problems);
    return sendRewritten(marked, marked);
  }
}

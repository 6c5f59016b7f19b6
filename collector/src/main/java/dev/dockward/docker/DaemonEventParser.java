package dev.dockward.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A JSON object of {@code GET /events} → {@link DaemonEvent}; empty when it is not one. */
public final class DaemonEventParser {
  private DaemonEventParser() {}

  public static Optional<DaemonEvent> parse(JsonNode node) {
    String type = node.path("Type").asText("");
    String fullAction = node.path("Action").asText("");
    JsonNode actor = node.path("Actor");
    String id = actor.path("ID").asText("");
    if (type.isEmpty() || fullAction.isEmpty() || id.isEmpty()) {
      return Optional.empty();
    }
    int colon = fullAction.indexOf(':');
    String action = colon < 0 ? fullAction : fullAction.substring(0, colon);
    String detail = colon < 0 ? "" : fullAction.substring(colon + 1).strip();
    Map<String, String> attributes = new HashMap<>();
    actor
        .path("Attributes")
        .fields()
        .forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText("")));
    long nanos = node.path("timeNano").asLong(0);
    Instant time =
        nanos > 0
            ? Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L)
            : Instant.ofEpochSecond(node.path("time").asLong(0));
    return Optional.of(new DaemonEvent(type, action, detail, id, attributes, time));
  }
}

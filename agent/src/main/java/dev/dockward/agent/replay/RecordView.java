package dev.dockward.agent.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * One journalled record as a replay sees it: its text, with the envelope fields read by a cheap
 * scan of the text and the whole document parsed only when someone asks for it, so a scan that
 * filters by time and kind alone runs at the journal's own read speed.
 */
public final class RecordView {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  /** The envelope (schema, kind, id, time) comes first in every record the agent writes. */
  private static final int ENVELOPE_CHARS = 200;

  private final String json;
  private final ObjectMapper mapper;
  private Map<String, Object> parsed;

  RecordView(String json, ObjectMapper mapper) {
    this.json = json;
    this.mapper = mapper;
  }

  /** The record exactly as journalled. */
  public String json() {
    return json;
  }

  /**
   * The whole record, parsed once.
   *
   * @throws UncheckedIOException when the text is not a JSON object
   */
  public Map<String, Object> map() {
    if (parsed == null) {
      try {
        parsed = mapper.readValue(json, MAP);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return parsed;
  }

  /** {@code event} or {@code alert}. */
  public String kind() {
    return envelope("kind").orElseGet(() -> String.valueOf(map().get("kind")));
  }

  /** The record's own time, when it has a readable one. */
  public Optional<Instant> time() {
    String text = envelope("time").orElseGet(() -> String.valueOf(map().get("time")));
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** A string field of the envelope found in the record's first characters, without parsing it. */
  private Optional<String> envelope(String field) {
    String key = "\"" + field + "\":\"";
    int at = json.indexOf(key);
    if (at < 0 || at > ENVELOPE_CHARS) {
      return Optional.empty();
    }
    int from = at + key.length();
    int end = json.indexOf('"', from);
    return end < 0 ? Optional.empty() : Optional.of(json.substring(from, end));
  }
}

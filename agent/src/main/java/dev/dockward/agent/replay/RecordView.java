package dev.dockward.agent.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.RecordHead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One journalled record as a replay sees it: its text, with the envelope read by {@link RecordHead}
 * (the shippers' reader, stopping once it has kind and time) and the whole document parsed only
 * when someone asks for it, so a scan that filters by time and kind alone reads a few tokens of
 * each record and builds no maps.
 */
public final class RecordView {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final String json;
  private final ObjectMapper mapper;
  private RecordHead head;
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

  /** {@code event} or {@code alert}; {@code "null"} when the record has no string {@code kind}. */
  public String kind() {
    return String.valueOf(head().kind());
  }

  /** The record's own time, when it has a readable one. */
  public Optional<Instant> time() {
    return head().instant();
  }

  /**
   * The envelope, read once.
   *
   * @throws UncheckedIOException when the text up to the envelope is not the start of a JSON object
   */
  private RecordHead head() {
    if (head == null) {
      try {
        head = RecordHead.readEnvelope(mapper.getFactory(), json);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return head;
  }
}

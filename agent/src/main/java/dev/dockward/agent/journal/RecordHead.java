package dev.dockward.agent.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The envelope of a journal record ({@code kind}, {@code type}, {@code time}), read with a
 * streaming parser that builds nothing. The one envelope reader: shippers decide from it whether to
 * ship a record ({@link #read}, the whole text tokenised, so a record that is not JSON is rejected
 * as a full parse would), replay whether to print one ({@link #readEnvelope}, which stops once it
 * has kind and time); most records are passed without ever being turned into a map. Only top-level
 * fields count, wherever they stand.
 *
 * @param kind the string value of {@code kind}, or null when absent or not a string
 * @param type the string value of {@code type}, or null when absent or not a string
 * @param time the string value of {@code time}, or null when absent or not a string
 */
public record RecordHead(String kind, String type, String time) {

  /** A head without a {@code time}. */
  public RecordHead(String kind, String type) {
    this(kind, type, null);
  }

  /**
   * Reads the head of one record, tokenising all of it; the last value wins for a repeated key, as
   * in a parsed map. What shippers use: a record that is not JSON is rejected even when its head
   * alone would decide.
   *
   * @throws IOException when the text is not one JSON object
   */
  public static RecordHead read(JsonFactory factory, String json) throws IOException {
    return read(factory, json, true);
  }

  /**
   * Reads {@code kind} and {@code time} and stops at the first top-level field after both (the
   * agent writes them first), so a scan by time and kind costs a few tokens per record, not the
   * record's length. What replay uses; {@code type} is set only when it stands before that point,
   * and text after it is not checked.
   *
   * @throws IOException when the text read is not the start of a JSON object
   */
  public static RecordHead readEnvelope(JsonFactory factory, String json) throws IOException {
    return read(factory, json, false);
  }

  private static RecordHead read(JsonFactory factory, String json, boolean whole)
      throws IOException {
    try (JsonParser parser = factory.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "a journal record is a JSON object");
      }
      String kind = null;
      String type = null;
      String time = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        if (!whole && kind != null && time != null) {
          return new RecordHead(kind, type, time);
        }
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == null) {
          break;
        }
        if (value.isStructStart()) {
          parser.skipChildren();
          value = null;
        }
        String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        switch (name) {
          case "kind" -> kind = text;
          case "type" -> type = text;
          case "time" -> time = text;
          default -> {}
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new JsonParseException(parser, "a journal record ends with its object");
      }
      return new RecordHead(kind, type, time);
    }
  }

  /** The record's own time (RFC 3339), empty when it has none or an unreadable one. */
  public Optional<Instant> instant() {
    if (time == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

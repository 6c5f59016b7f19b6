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
 * The envelope of a journal record ({@code kind}, {@code type}, {@code time}), read with a streaming
 * parser that builds nothing. The one envelope reader: shippers decide from it whether to ship a
 * record, replay whether to print one, and most records are passed without ever being turned into
 * a map. The whole text is still tokenised, so a record that is not JSON is rejected as a full
 * parse would, and the top-level fields are found wherever they stand.
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
   * Reads the head of one record; the last value wins for a repeated key, as in a parsed map.
   *
   * @throws IOException when the text is not one JSON object
   */
  public static RecordHead read(JsonFactory factory, String json) throws IOException {
    try (JsonParser parser = factory.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "a journal record is a JSON object");
      }
      String kind = null;
      String type = null;
      String time = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
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
          default -> { }
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

package dev.dockward.agent.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The top-level {@code kind} and {@code type} of a journal record, read with a streaming parser
 * that builds nothing: the shipper decides from them whether to ship a record, and most records
 * (events, when only alerts are shipped) are passed without ever being turned into a map. The
 * whole text is still tokenised, so a record that is not JSON is rejected as a full parse would.
 *
 * @param kind the string value of {@code kind}, or null when absent or not a string
 * @param type the string value of {@code type}, or null when absent or not a string
 */
record RecordHead(String kind, String type) {

  /**
   * Reads the head of one record; the last value wins for a repeated key, as in a parsed map.
   *
   * @throws IOException when the text is not one JSON object
   */
  static RecordHead read(JsonFactory factory, String json) throws IOException {
    try (JsonParser parser = factory.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "a journal record is a JSON object");
      }
      String kind = null;
      String type = null;
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
        if ("kind".equals(name)) {
          kind = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        } else if ("type".equals(name)) {
          type = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new JsonParseException(parser, "a journal record ends with its object");
      }
      return new RecordHead(kind, type);
    }
  }
}

package dev.dockward.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Finds where a key is written in a YAML text. Jackson reports errors of record-bound objects where
 * the object ends (it buffers the properties), so the key's own line is looked up here.
 */
final class KeyLocator {
  private KeyLocator() {}

  /**
   * The location of {@code key} inside the mapping at {@code parents} (field names from the top).
   */
  static Optional<JsonLocation> find(String yaml, List<String> parents, String key) {
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      Deque<String> path = new ArrayDeque<>();
      int depth = 0;
      String lastField = "";
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          lastField = p.currentName();
          if (lastField.equals(key) && List.copyOf(path).equals(parents)) {
            return Optional.of(p.currentTokenLocation());
          }
        } else if (t == JsonToken.START_OBJECT) {
          if (depth++ > 0) {
            path.addLast(lastField);
          }
        } else if (t == JsonToken.END_OBJECT) {
          if (--depth > 0) {
            path.pollLast();
          }
        } else if (t == JsonToken.START_ARRAY) {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}

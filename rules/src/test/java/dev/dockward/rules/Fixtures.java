package dev.dockward.rules;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Event fixtures from {@code src/test/resources/events/}, parsed the way the journal replay parses
 * them.
 */
final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  static Map<String, Object> event(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoadResult load(String origin, String yaml) {
    return RuleLoader.load(List.of(new RuleFile(origin, yaml)));
  }

  static List<String> firedIds(RuleEngine engine, Map<String, Object> event) {
    return engine.evaluate(event).stream().map(m -> m.rule().id()).toList();
  }
}

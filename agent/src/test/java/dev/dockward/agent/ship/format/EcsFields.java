package dev.dockward.agent.ship.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ECS 8.11's field list as ecs-8.11-fields.txt holds it (see the README beside it). */
final class EcsFields {
  record Field(String name, String type, boolean array) {}

  final Map<String, Field> fields = new HashMap<>();
  final Map<String, Set<String>> allowed = new HashMap<>();
  /** event.category value → the event.type values ECS expects with it. */
  final Map<String, Set<String>> expected = new HashMap<>();

  static EcsFields load() throws IOException {
    EcsFields f = new EcsFields();
    try (InputStream in = EcsFields.class.getResourceAsStream("/format/ecs-8.11-fields.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        List<String> w = Arrays.asList(line.split(" "));
        switch (w.get(0)) {
          case "field":
            f.fields.put(w.get(1), new Field(w.get(1), w.get(2), w.size() > 3 && w.get(3).equals("array")));
            break;
          case "allowed":
            f.allowed.put(w.get(1), Set.copyOf(w.subList(2, w.size())));
            break;
          case "expected":
            f.expected.put(w.get(1), Set.copyOf(w.subList(2, w.size())));
            break;
          default:
            throw new IllegalStateException("unknown line: " + line);
        }
      }
    }
    return f;
  }
}

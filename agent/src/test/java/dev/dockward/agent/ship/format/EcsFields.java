package dev.dockward.agent.ship.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
            f.fields.put(
                w.get(1), new Field(w.get(1), w.get(2), w.size() > 3 && w.get(3).equals("array")));
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

  /**
   * What in an ECS document is not ECS 8.11: unknown fields, wrong types, values not allowed; empty
   * when it conforms.
   */
  List<String> problems(Map<String, Object> r) {
    List<String> out = new ArrayList<>();
    Map<String, Object> values = new TreeMap<>();
    flatten("", r, values, Map.of());
    values.forEach(
        (field, value) -> {
          if (field.startsWith("dockward.")) {
            return;
          }
          Field f = fields.get(field);
          if (f == null) {
            out.add(field + " is not an ECS field");
            return;
          }
          if (f.array() != value instanceof List) {
            out.add(field + (f.array() ? " is an array in ECS" : " is not an array in ECS"));
          }
          for (Object v : value instanceof List<?> l ? l : List.of(value)) {
            if (!takes(f.type(), v)) {
              out.add(field + " = " + v + " is not a " + f.type());
            }
            if (allowed.containsKey(field) && !allowed.get(field).contains(String.valueOf(v))) {
              out.add(field + " = " + v + " is not allowed");
            }
          }
        });
    for (String category : OcsfFacts.strings(values.get("event.category"))) {
      for (String type : OcsfFacts.strings(values.get("event.type"))) {
        if (!expected.getOrDefault(category, Set.of()).contains(type)) {
          out.add("event.type " + type + " is not expected with event.category " + category);
        }
      }
    }
    return out;
  }

  /**
   * Leaf values by dotted name. A map stops the descent where ECS (or the template) types the field
   * as a whole object ({@code container.labels}, flattened fields); a list of maps contributes each
   * map's leaves, as Elasticsearch indexes them.
   */
  void flatten(
      String prefix, Object value, Map<String, Object> out, Map<String, String> templateTypes) {
    Field f = fields.get(prefix);
    boolean whole =
        f != null && (f.type().equals("object") || f.type().equals("flattened"))
            || "flattened".equals(templateTypes.get(prefix));
    if (value instanceof Map<?, ?> m && !whole) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        flatten(
            prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(),
            e.getValue(),
            out,
            templateTypes);
      }
    } else if (value instanceof List<?> l && l.stream().anyMatch(v -> v instanceof Map)) {
      for (Object item : l) {
        flatten(prefix, item, out, templateTypes);
      }
    } else {
      out.put(prefix, value);
    }
  }

  static boolean takes(String type, Object v) {
    if (v instanceof List<?> l) {
      return l.stream().allMatch(item -> takes(type, item));
    }
    switch (type) {
      case "keyword":
      case "wildcard":
      case "match_only_text":
      case "text":
      case "constant_keyword":
        return v instanceof String;
      case "long":
      case "integer":
        return v instanceof Integer || v instanceof Long;
      case "float":
      case "scaled_float":
      case "double":
        return v instanceof Number;
      case "boolean":
        return v instanceof Boolean;
      case "date":
        try {
          Instant.parse(String.valueOf(v));
          return v instanceof String;
        } catch (DateTimeParseException e) {
          return false;
        }
      case "object":
      case "flattened":
        return v instanceof Map;
      default:
        return false;
    }
  }
}

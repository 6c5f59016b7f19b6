package dev.dockward.agent.ship.format;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts of ocsf-1.4.0-facts.json (see the README beside it) and a check of a mapped record
 * against them: every attribute defined by its class or object (or its profile, when the record
 * declares that profile), none deprecated, required ones present, types, enum ids with their
 * captions, and the objects' at-least-one / just-one constraints. {@code unmapped} is not looked
 * into.
 */
final class OcsfFacts {
  private final Map<String, Object> facts;

  private OcsfFacts(Map<String, Object> facts) {
    this.facts = facts;
  }

  static OcsfFacts load() throws IOException {
    try (InputStream in = OcsfFacts.class.getResourceAsStream("/format/ocsf-1.4.0-facts.json")) {
      return new OcsfFacts(
          new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() {}));
    }
  }

  String version() {
    return (String) facts.get("version");
  }

  Map<String, Object> classFacts(int uid) {
    return map(map(facts.get("classes")).get(String.valueOf(uid)));
  }

  /** The problems of one record; empty when it conforms. */
  List<String> problems(Map<String, Object> event) {
    List<String> out = new ArrayList<>();
    Object uid = event.get("class_uid");
    Map<String, Object> cls = uid == null ? Map.of() : classFacts(((Number) uid).intValue());
    if (cls.isEmpty()) {
      out.add("class_uid " + uid + " is not a class of the facts");
      return out;
    }
    Set<String> profiles = Set.copyOf(strings(at(event, "metadata", "profiles")));
    check("", map(cls.get("attributes")), event, profiles, out, true);
    int classUid = ((Number) uid).intValue();
    expect(out, "category_uid", cls.get("category_uid"), event.get("category_uid"));
    expect(out, "category_name", cls.get("category"), event.get("category_name"));
    expect(out, "class_name", cls.get("caption"), event.get("class_name"));
    Object activity = event.get("activity_id");
    if (activity instanceof Number a) {
      expect(
          out,
          "type_uid",
          (long) classUid * 100 + a.longValue(),
          event.get("type_uid") instanceof Number t ? t.longValue() : event.get("type_uid"));
      expect(
          out,
          "type_name",
          cls.get("caption") + ": " + event.get("activity_name"),
          event.get("type_name"));
    }
    expect(out, "metadata.version", version(), at(event, "metadata", "version"));
    return out;
  }

  private void check(
      String path,
      Map<String, Object> attributes,
      Map<String, Object> value,
      Set<String> profiles,
      List<String> out,
      boolean top) {
    for (Map.Entry<String, Object> e : value.entrySet()) {
      String name = e.getKey();
      String here = path.isEmpty() ? name : path + "." + name;
      Map<String, Object> a = map(attributes.get(name));
      if (a.isEmpty()) {
        out.add(here + " is not an attribute here");
        continue;
      }
      if (Boolean.TRUE.equals(a.get("deprecated"))) {
        out.add(here + " is deprecated in " + version());
      }
      Object profile = a.get("profile");
      if (profile != null && !profiles.contains(profile)) {
        out.add(
            here + " belongs to profile " + profile + ", which metadata.profiles does not list");
      }
      if (top && name.equals("unmapped")) {
        if (!(e.getValue() instanceof Map)) {
          out.add("unmapped is not an object");
        }
        continue;
      }
      if (Boolean.TRUE.equals(a.get("array"))) {
        if (!(e.getValue() instanceof List<?> list)) {
          out.add(here + " is not an array");
          continue;
        }
        for (int i = 0; i < list.size(); i++) {
          checkValue(here + "[" + i + "]", a, list.get(i), profiles, out);
        }
      } else {
        checkValue(here, a, e.getValue(), profiles, out);
      }
      Object caption = map(a.get("enum")).get(String.valueOf(e.getValue()));
      String sibling = (String) a.get("sibling");
      // class_uid and category_uid enums are the classes' own: checked against the class facts
      // instead.
      if (a.containsKey("enum")
          && !(top && (name.equals("class_uid") || name.equals("category_uid")))) {
        if (caption == null) {
          out.add(here + " = " + e.getValue() + " is not in its enum");
        } else if (sibling != null
            && value.containsKey(sibling)
            && !"99".equals(String.valueOf(e.getValue()))
            && !caption.equals(value.get(sibling))) {
          out.add(
              (path.isEmpty() ? "" : path + ".")
                  + sibling
                  + " = "
                  + value.get(sibling)
                  + ", the caption of "
                  + here
                  + " = "
                  + e.getValue()
                  + " is "
                  + caption);
        }
      }
    }
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      Map<String, Object> a = map(e.getValue());
      Object profile = a.get("profile");
      if ("required".equals(a.get("requirement"))
          && (profile == null || profiles.contains(profile))
          && !value.containsKey(e.getKey())) {
        out.add((path.isEmpty() ? "" : path + ".") + e.getKey() + " is required and missing");
      }
    }
  }

  private void checkValue(
      String path, Map<String, Object> a, Object v, Set<String> profiles, List<String> out) {
    if (a.containsKey("object")) {
      String object = (String) a.get("object");
      if (!(v instanceof Map<?, ?>)) {
        out.add(path + " is not an object (" + object + ")");
        return;
      }
      if (object.equals("object")) {
        return; // any object
      }
      Map<String, Object> o = map(map(facts.get("objects")).get(object));
      if (o.isEmpty()) {
        out.add(
            path + ": object type " + object + " is not in the facts (add it to the extraction)");
        return;
      }
      Map<String, Object> m = map(v);
      check(path, map(o.get("attributes")), m, profiles, out, false);
      Map<String, Object> constraints = map(o.get("constraints"));
      List<String> atLeastOne = strings(constraints.get("at_least_one"));
      if (!atLeastOne.isEmpty() && atLeastOne.stream().noneMatch(m::containsKey)) {
        out.add(path + " needs at least one of " + atLeastOne);
      }
      List<String> justOne = strings(constraints.get("just_one"));
      if (!justOne.isEmpty() && justOne.stream().filter(m::containsKey).count() != 1) {
        out.add(path + " needs exactly one of " + justOne);
      }
      return;
    }
    String type = (String) a.get("type");
    boolean ok;
    switch (type) {
      case "string_t":
        ok = v instanceof String;
        break;
      case "integer_t":
        ok =
            (v instanceof Integer || v instanceof Long)
                && ((Number) v).longValue() == ((Number) v).intValue();
        break;
      case "long_t":
        ok = v instanceof Integer || v instanceof Long;
        break;
      case "float_t":
        ok = v instanceof Number;
        break;
      case "boolean_t":
        ok = v instanceof Boolean;
        break;
      case "json_t":
        ok = true;
        break;
      default:
        out.add(path + ": unknown type " + type);
        return;
    }
    if (!ok) {
      out.add(path + " = " + v + " is not of type " + type);
    }
  }

  private static void expect(List<String> out, String what, Object expected, Object actual) {
    if (!String.valueOf(expected).equals(String.valueOf(actual))) {
      out.add(what + " is " + actual + ", expected " + expected);
    }
  }

  private static Object at(Map<String, Object> m, String... path) {
    Object v = m;
    for (String p : path) {
      v = map(v).get(p);
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static List<String> strings(Object o) {
    return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}

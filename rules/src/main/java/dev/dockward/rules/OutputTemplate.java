package dev.dockward.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A rule's {@code output} text with {@code {path}} placeholders such as {@code {proc.name}}, {@code
 * {container.labels.app}} or {@code {evidence.capabilities}}. {@code {{} and {@code }}} stand for
 * literal braces. Values are inserted verbatim: untrusted text stays intact, and the JSON writer
 * escapes it later.
 */
final class OutputTemplate {
  static final String NONE = "<none>";

  /** A literal piece of text or a placeholder path. */
  private record Part(String literal, List<String> path) {}

  /** A template that could not be parsed: what is wrong and the offset in the template text. */
  record Problem(int offset, String message) {}

  private final List<Part> parts;

  private OutputTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /** The template of a rule without {@code output}: its id is the best summary there is. */
  static OutputTemplate literal(String text) {
    return new OutputTemplate(List.of(new Part(text, null)));
  }

  /**
   * Parses a template. Placeholder roots must be known variables ({@code allowedRoots}); an {@code
   * evidence.x} placeholder must name declared evidence.
   */
  static Result parse(String text, List<String> allowedRoots, Set<String> evidenceNames) {
    List<Part> parts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '{') {
        int close = text.indexOf('}', i);
        if (close < 0) {
          problems.add(
              new Problem(i, "output: '{' without a closing '}' (write '{{' for a literal brace)"));
          literal.append(text.substring(i));
          break;
        }
        String path = text.substring(i + 1, close).trim();
        List<String> segments = List.of(path.split("\\.", -1));
        if (path.isEmpty() || segments.stream().anyMatch(String::isEmpty)) {
          problems.add(new Problem(i, "output: bad placeholder '{" + path + "}'"));
        } else if (!allowedRoots.contains(segments.get(0))) {
          problems.add(
              new Problem(
                  i + 1,
                  "output: unknown variable '"
                      + segments.get(0)
                      + "' in '{"
                      + path
                      + "}' (known: "
                      + String.join(", ", allowedRoots)
                      + ")"));
        } else if (segments.get(0).equals("evidence")
            && (segments.size() < 2 || !evidenceNames.contains(segments.get(1)))) {
          problems.add(
              new Problem(i + 1, "output: '{" + path + "}' names no evidence of this rule"));
        }
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString(), null));
          literal.setLength(0);
        }
        parts.add(new Part(null, segments));
        i = close + 1;
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString(), null));
    }
    return new Result(new OutputTemplate(List.copyOf(parts)), problems);
  }

  /** A parsed template and the problems found; with problems the rule is not loaded. */
  record Result(OutputTemplate template, List<Problem> problems) {}

  /**
   * Renders against variables (event, proc, container, …, evidence); absent values print {@code
   * <none>}.
   */
  String render(Map<String, Object> variables) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part.path() == null) {
        out.append(part.literal());
      } else {
        out.append(resolve(variables, part.path(), 0).map(OutputTemplate::format).orElse(NONE));
      }
    }
    return out.toString();
  }

  /**
   * Walks the path; at each map the longest run of segments that is a key wins, so a label key with
   * dots ({@code {container.labels.com.example.team}}) still resolves.
   */
  private static Optional<Object> resolve(Object value, List<String> path, int from) {
    if (from == path.size()) {
      return Optional.ofNullable(value);
    }
    if (!(value instanceof Map)) {
      return Optional.empty();
    }
    Map<?, ?> map = (Map<?, ?>) value;
    for (int end = path.size(); end > from; end--) {
      String key = String.join(".", path.subList(from, end));
      if (map.containsKey(key)) {
        Optional<Object> found = resolve(map.get(key), path, end);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static String format(Object value) {
    if (value instanceof List) {
      return ((List<?>) value)
          .stream().map(v -> v == null ? NONE : format(v)).collect(Collectors.joining(","));
    }
    if (value instanceof Map) {
      return ((Map<?, ?>) value)
          .entrySet().stream()
              .map(e -> e.getKey() + "=" + (e.getValue() == null ? NONE : format(e.getValue())))
              .collect(Collectors.joining(","));
    }
    if (value instanceof Double || value instanceof Float) {
      return formatDecimal(((Number) value).doubleValue());
    }
    return String.valueOf(value);
  }

  /**
   * Rates and ratios are doubles: an analyst reads {@code 18067543.78}, not {@code
   * 1.8067543781560283E7}; whole numbers lose their {@code .0}.
   */
  static String formatDecimal(double d) {
    if (!Double.isFinite(d)) {
      return String.valueOf(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    BigDecimal rounded =
        BigDecimal.valueOf(d).setScale(Math.abs(d) < 1 ? 4 : 2, RoundingMode.HALF_UP);
    return rounded.stripTrailingZeros().toPlainString();
  }
}

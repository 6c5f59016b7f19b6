package dev.dockward.rules;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one rule file's YAML into drafts: the structure is checked here (keys, types, required
 * fields), the CEL is checked later by {@link RuleCompiler}. Works on SnakeYAML nodes, not on plain
 * maps, because only nodes keep the line and column every problem must name.
 */
final class RuleFileParser {
  static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9_]*");
  static final Pattern LIST_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * A {@code for:} duration: a whole number and a unit, e.g. {@code 500ms}, {@code 10s}, {@code
   * 5m}. {@code 0s} fires on the first matching event of an episode, once per episode.
   */
  static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private static final Set<String> TOP_KEYS = Set.of("lists", "rules", "overrides");
  private static final Set<String> OVERRIDE_KEYS =
      Set.of("rule", "list", "enabled", "severity", "exceptions", "append");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "id",
          "description",
          "condition",
          "severity",
          "tags",
          "output",
          "exceptions",
          "evidence",
          "enabled",
          "for",
          "window",
          "title",
          "fixtures");
  private static final Set<String> FIXTURE_KEYS = Set.of("name", "expect", "event");
  private static final Set<String> EXCEPTION_KEYS = Set.of("name", "condition");

  record ListDef(String name, List<Object> values, Position position) {}

  /** Where an exception was written, when not in its rule's own file (an override appended it). */
  record ExceptionOrigin(String origin, SourceText source) {}

  record ExceptionDraft(String name, ScalarNode condition, Optional<ExceptionOrigin> from) {}

  /**
   * An override in a tuning file: for a rule, {@code enabled}, {@code severity} and exceptions to
   * append; for a list, values to append. The rule or list may come from any loaded file.
   */
  record OverrideDraft(
      Optional<String> rule,
      Optional<String> list,
      Position position,
      Optional<Boolean> enabled,
      Optional<Severity> severity,
      List<ExceptionDraft> exceptions,
      List<Object> append) {}

  record RuleDraft(
      String id,
      Position position,
      String description,
      ScalarNode condition,
      Severity severity,
      List<String> tags,
      Optional<ScalarNode> output,
      List<ExceptionDraft> exceptions,
      Map<String, ScalarNode> evidence,
      boolean enabled,
      Optional<Duration> holdFor,
      Optional<WindowDraft> window,
      String title,
      List<RuleFixture> fixtures) {}

  /** A parsed {@code window:}; its expressions are compiled with the rule. */
  record WindowDraft(
      Duration within, Optional<ScalarNode> by, Optional<ScalarNode> distinct, int atLeast) {}

  record ParsedFile(
      RuleFile file,
      SourceText source,
      List<ListDef> lists,
      List<RuleDraft> rules,
      List<OverrideDraft> overrides) {}

  private final RuleFile file;
  private final List<LoadProblem> problems;
  private final SourceText source;
  private final List<OverrideDraft> overrides = new ArrayList<>();

  private RuleFileParser(RuleFile file, List<LoadProblem> problems) {
    this.file = file;
    this.problems = problems;
    this.source = new SourceText(file.text());
  }

  /**
   * Parses a file; problems are appended to {@code problems}. A YAML syntax error yields no rules.
   */
  static ParsedFile parse(RuleFile file, List<LoadProblem> problems) {
    return new RuleFileParser(file, problems).parse();
  }

  private ParsedFile parse() {
    List<ListDef> lists = new ArrayList<>();
    List<RuleDraft> rules = new ArrayList<>();
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      root = new Yaml(options).compose(new StringReader(file.text()));
    } catch (MarkedYAMLException e) {
      Position at =
          SourceText.of(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark());
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      problems.add(
          LoadProblem.error(
              file.origin(), at, null, "YAML syntax error: " + context + e.getProblem()));
      return new ParsedFile(file, source, lists, rules, overrides);
    } catch (YAMLException e) {
      problems.add(
          LoadProblem.error(
              file.origin(), Position.UNKNOWN, null, "YAML error: " + e.getMessage()));
      return new ParsedFile(file, source, lists, rules, overrides);
    }
    if (root == null) {
      problems.add(
          LoadProblem.warning(file.origin(), new Position(1, 1), null, "file holds no rules"));
      return new ParsedFile(file, source, lists, rules, overrides);
    }
    if (!(root instanceof MappingNode)) {
      error(root, null, "top level must be a mapping with 'lists' and 'rules'");
      return new ParsedFile(file, source, lists, rules, overrides);
    }
    for (NodeTuple entry : entries((MappingNode) root, null)) {
      String key = keyOf(entry);
      Node value = entry.getValueNode();
      if (!TOP_KEYS.contains(key)) {
        error(
            entry.getKeyNode(),
            null,
            "unknown top-level key '" + key + "' (expected lists, rules or overrides)");
      } else if (key.equals("lists")) {
        parseLists(value, lists);
      } else if (key.equals("overrides")) {
        parseOverrides(value);
      } else {
        parseRules(value, rules);
      }
    }
    return new ParsedFile(file, source, lists, rules, overrides);
  }

  private void parseLists(Node node, List<ListDef> out) {
    if (isNull(node)) {
      return;
    }
    if (!(node instanceof MappingNode)) {
      error(node, null, "'lists' must be a mapping of list name to a list of values");
      return;
    }
    for (NodeTuple entry : entries((MappingNode) node, null)) {
      String name = keyOf(entry);
      if (!LIST_NAME.matcher(name).matches()) {
        error(
            entry.getKeyNode(), null, "list name '" + name + "' must match " + LIST_NAME.pattern());
        continue;
      }
      Node value = entry.getValueNode();
      if (!(value instanceof SequenceNode)) {
        error(value, null, "list '" + name + "' must be a sequence of scalars");
        continue;
      }
      List<Object> values = new ArrayList<>();
      boolean ok = true;
      for (Node item : ((SequenceNode) value).getValue()) {
        if (!(item instanceof ScalarNode) || isNull(item)) {
          error(
              item, null, "list '" + name + "' may only hold scalars (strings, numbers, booleans)");
          ok = false;
        } else {
          values.add(scalarValue((ScalarNode) item));
        }
      }
      if (ok) {
        out.add(new ListDef(name, List.copyOf(values), SourceText.of(entry.getKeyNode())));
      }
    }
  }

  /**
   * Typed like the event documents, so that {@code flow.dst_port in lists.ports} compares Long to
   * Long.
   */
  private static Object scalarValue(ScalarNode node) {
    String text = node.getValue();
    if (Tag.INT.equals(node.getTag())) {
      try {
        return Long.decode(text.replace("_", ""));
      } catch (NumberFormatException e) {
        return text;
      }
    }
    if (Tag.FLOAT.equals(node.getTag())) {
      try {
        return Double.valueOf(text.replace("_", ""));
      } catch (NumberFormatException e) {
        return text;
      }
    }
    // YAML 1.1 reads yes/no/on/off as booleans; in a list of names they are names.
    if (Tag.BOOL.equals(node.getTag())
        && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return Boolean.valueOf(text);
    }
    return text;
  }

  private void parseRules(Node node, List<RuleDraft> out) {
    if (isNull(node)) {
      return;
    }
    if (!(node instanceof SequenceNode)) {
      error(node, null, "'rules' must be a sequence of rules");
      return;
    }
    Set<String> seen = new HashSet<>();
    for (Node item : ((SequenceNode) node).getValue()) {
      if (!(item instanceof MappingNode)) {
        error(item, null, "a rule must be a mapping");
        continue;
      }
      parseRule((MappingNode) item)
          .ifPresent(
              rule -> {
                if (seen.add(rule.id())) {
                  out.add(rule);
                } else {
                  problems.add(
                      LoadProblem.error(
                          file.origin(),
                          rule.position(),
                          rule.id(),
                          "duplicate rule id '" + rule.id() + "' in this file"));
                }
              });
    }
  }

  private Optional<RuleDraft> parseRule(MappingNode node) {
    int before = errorCount();
    String id = null;
    Position idPosition = SourceText.of(node);
    // The id is looked up first so that every problem of this rule names it, whatever the key
    // order.
    for (NodeTuple entry : node.getValue()) {
      if ("id".equals(keyOf(entry))
          && entry.getValueNode() instanceof ScalarNode
          && !isNull(entry.getValueNode())) {
        String candidate = ((ScalarNode) entry.getValueNode()).getValue();
        idPosition = SourceText.of(entry.getValueNode());
        if (RULE_ID.matcher(candidate).matches()) {
          id = candidate;
        } else {
          error(
              entry.getValueNode(),
              null,
              "rule id '" + candidate + "' must match " + RULE_ID.pattern());
        }
      }
    }
    String description = "";
    ScalarNode condition = null;
    Severity severity = null;
    List<String> tags = List.of();
    ScalarNode output = null;
    List<ExceptionDraft> exceptions = new ArrayList<>();
    Map<String, ScalarNode> evidence = new LinkedHashMap<>();
    boolean enabled = true;
    Optional<Duration> holdFor = Optional.empty();
    Optional<WindowDraft> window = Optional.empty();
    boolean sawId = false;
    String title = "";
    List<RuleFixture> fixtures = List.of();
    for (NodeTuple entry : entries(node, id)) {
      String key = keyOf(entry);
      Node value = entry.getValueNode();
      switch (key) {
        case "id":
          sawId = true;
          if (!(value instanceof ScalarNode) || isNull(value)) {
            error(value, null, "'id' must be a string");
          }
          break;
        case "description":
          description = string(value, id, key).orElse("");
          break;
        case "title":
          title = string(value, id, key).orElse("");
          break;
        case "fixtures":
          fixtures = fixtures(value, id);
          break;
        case "condition":
          condition = expression(value, id, key).orElse(null);
          break;
        case "severity":
          Optional<String> text = string(value, id, key);
          if (text.isPresent()) {
            severity = Severity.parse(text.get()).orElse(null);
            if (severity == null) {
              error(
                  value,
                  id,
                  "unknown severity '"
                      + text.get()
                      + "' (expected info, low, medium, high or critical)");
            }
          }
          break;
        case "tags":
          tags = stringList(value, id, key);
          break;
        case "output":
          output = expression(value, id, key).orElse(null);
          break;
        case "exceptions":
          exceptions = exceptions(value, id);
          break;
        case "evidence":
          evidence = evidence(value, id);
          break;
        case "enabled":
          if (value instanceof ScalarNode
              && Tag.BOOL.equals(value.getTag())
              && Set.of("true", "false")
                  .contains(((ScalarNode) value).getValue().toLowerCase(Locale.ROOT))) {
            enabled = Boolean.parseBoolean(((ScalarNode) value).getValue());
          } else {
            error(value, id, "'enabled' must be true or false");
          }
          break;
        case "for":
          holdFor = duration(value, id, "for");
          break;
        case "window":
          window = window(value, id);
          if (hasKey(node, "for")) {
            error(entry.getKeyNode(), id, "a rule has 'for:' or 'window:', not both");
          }
          break;
        default:
          error(entry.getKeyNode(), id, "unknown rule key '" + key + "'");
      }
    }
    if (!sawId) {
      error(node, null, "rule has no 'id'");
    }
    if (condition == null && !hasKey(node, "condition")) {
      error(node, id, "rule has no 'condition'");
    }
    if (severity == null && !hasKey(node, "severity")) {
      error(node, id, "rule has no 'severity'");
    }
    if (errorCount() > before || id == null) {
      return Optional.empty();
    }
    return Optional.of(
        new RuleDraft(
            id,
            idPosition,
            description,
            condition,
            severity,
            tags,
            Optional.ofNullable(output),
            exceptions,
            evidence,
            enabled,
            holdFor,
            window,
            title,
            fixtures));
  }

  /** {@code fixtures:}: a list of {@code {name, expect: fire|quiet, event: {...}}}. */
  private List<RuleFixture> fixtures(Node node, String id) {
    List<RuleFixture> out = new ArrayList<>();
    if (isNull(node)) {
      return out;
    }
    if (!(node instanceof SequenceNode)) {
      error(node, id, "'fixtures' must be a list of {name, expect, event}");
      return out;
    }
    for (Node item : ((SequenceNode) node).getValue()) {
      if (!(item instanceof MappingNode)) {
        error(item, id, "a fixture must be a mapping with name, expect and event");
        continue;
      }
      int before = errorCount();
      String name = null;
      Boolean fires = null;
      Map<String, Object> event = null;
      for (NodeTuple entry : entries((MappingNode) item, id)) {
        Node value = entry.getValueNode();
        switch (keyOf(entry)) {
          case "name":
            name = string(value, id, "fixtures.name").orElse(null);
            break;
          case "expect":
            Optional<String> expect = string(value, id, "fixtures.expect");
            if (expect.isPresent() && Set.of("fire", "quiet").contains(expect.get())) {
              fires = expect.get().equals("fire");
            } else if (expect.isPresent()) {
              error(
                  value, id, "fixture 'expect' must be fire or quiet, not '" + expect.get() + "'");
            }
            break;
          case "event":
            if (value instanceof MappingNode) {
              @SuppressWarnings("unchecked")
              Map<String, Object> map = (Map<String, Object>) plain(value);
              event = map;
            } else {
              error(value, id, "fixture 'event' must be a mapping (an event document)");
            }
            break;
          default:
            error(
                entry.getKeyNode(),
                id,
                "unknown fixture key '"
                    + keyOf(entry)
                    + "' (expected "
                    + String.join(", ", new TreeSet<>(FIXTURE_KEYS))
                    + ")");
        }
      }
      if (errorCount() > before) {
        continue;
      }
      if (name == null || fires == null || event == null) {
        error(item, id, "a fixture needs name, expect and event");
        continue;
      }
      out.add(new RuleFixture(name, fires, event));
    }
    return out;
  }

  /**
   * A YAML node as plain Java data: maps, lists and typed scalars, as the event documents hold
   * them.
   */
  private static Object plain(Node node) {
    if (node instanceof MappingNode mapping) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple entry : mapping.getValue()) {
        out.put(keyOf(entry), plain(entry.getValueNode()));
      }
      return out;
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> out = new ArrayList<>();
      sequence.getValue().forEach(n -> out.add(plain(n)));
      return out;
    }
    return isNull(node) ? null : scalarValue((ScalarNode) node);
  }

  private static final Set<String> WINDOW_KEYS = Set.of("within", "by", "distinct", "at_least");
  private static final int MAX_AT_LEAST = 100_000;

  /** {@code window: {within: 10s, by: container.id, distinct: flow.dst_port, at_least: 30}}. */
  private Optional<WindowDraft> window(Node node, String id) {
    if (!(node instanceof MappingNode)) {
      error(node, id, "'window' must be a mapping such as {within: 10s, at_least: 5}");
      return Optional.empty();
    }
    int before = errorCount();
    Optional<Duration> within = Optional.empty();
    Optional<ScalarNode> by = Optional.empty();
    Optional<ScalarNode> distinct = Optional.empty();
    Integer atLeast = null;
    for (NodeTuple entry : entries((MappingNode) node, id)) {
      String key = keyOf(entry);
      Node value = entry.getValueNode();
      switch (key) {
        case "within":
          within = duration(value, id, "window.within");
          if (within.isPresent() && within.get().isZero()) {
            error(value, id, "'window.within' must be longer than 0s");
          }
          break;
        case "by":
          by = expression(value, id, "window.by");
          break;
        case "distinct":
          distinct = expression(value, id, "window.distinct");
          break;
        case "at_least":
          String text =
              value instanceof ScalarNode && !isNull(value) ? ((ScalarNode) value).getValue() : "";
          if (text.matches("[0-9]{1,6}")
              && Integer.parseInt(text) >= 1
              && Integer.parseInt(text) <= MAX_AT_LEAST) {
            atLeast = Integer.parseInt(text);
          } else {
            error(
                value,
                id,
                "'window.at_least' must be a whole number from 1 to "
                    + MAX_AT_LEAST
                    + ", not '"
                    + text
                    + "'");
          }
          break;
        default:
          error(
              entry.getKeyNode(),
              id,
              "unknown window key '"
                  + key
                  + "' (expected one of within, by,"
                  + " distinct, at_least)");
      }
    }
    if (!hasKey((MappingNode) node, "within")) {
      error(node, id, "'window' has no 'within' (how long, e.g. 10s)");
    }
    if (!hasKey((MappingNode) node, "at_least")) {
      error(node, id, "'window' has no 'at_least' (how many events or distinct values)");
    }
    if (errorCount() > before || within.isEmpty() || atLeast == null) {
      return Optional.empty();
    }
    return Optional.of(new WindowDraft(within.get(), by, distinct, atLeast));
  }

  private Optional<Duration> duration(Node node, String id, String what) {
    String text = node instanceof ScalarNode && !isNull(node) ? ((ScalarNode) node).getValue() : "";
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      error(
          node,
          id,
          "'" + what + "' must be a duration such as 0s, 500ms, 10s, 5m or 1h, not '" + text + "'");
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Optional.of(Duration.ofMillis(n));
      case "s":
        return Optional.of(Duration.ofSeconds(n));
      case "m":
        return Optional.of(Duration.ofMinutes(n));
      default:
        return Optional.of(Duration.ofHours(n));
    }
  }

  private List<ExceptionDraft> exceptions(Node node, String id) {
    List<ExceptionDraft> out = new ArrayList<>();
    if (isNull(node)) {
      return out;
    }
    if (!(node instanceof SequenceNode)) {
      error(node, id, "'exceptions' must be a sequence of {name, condition}");
      return out;
    }
    int index = 0;
    for (Node item : ((SequenceNode) node).getValue()) {
      index++;
      if (!(item instanceof MappingNode)) {
        error(item, id, "an exception must be a mapping with 'condition' and optional 'name'");
        continue;
      }
      String name = "#" + index;
      ScalarNode condition = null;
      for (NodeTuple entry : entries((MappingNode) item, id)) {
        String key = keyOf(entry);
        if (!EXCEPTION_KEYS.contains(key)) {
          error(
              entry.getKeyNode(),
              id,
              "unknown exception key '" + key + "' (expected name or condition)");
        } else if (key.equals("name")) {
          name = string(entry.getValueNode(), id, "name").orElse(name);
        } else {
          condition = expression(entry.getValueNode(), id, "condition").orElse(null);
        }
      }
      if (condition == null) {
        if (!hasKey((MappingNode) item, "condition")) {
          error(item, id, "exception " + name + " has no 'condition'");
        }
      } else {
        out.add(new ExceptionDraft(name, condition, Optional.empty()));
      }
    }
    return out;
  }

  private void parseOverrides(Node node) {
    if (isNull(node)) {
      return;
    }
    if (!(node instanceof SequenceNode)) {
      error(
          node,
          null,
          "'overrides' must be a sequence of {rule: ID, …} or {list: NAME, append: […]}");
      return;
    }
    for (Node item : ((SequenceNode) node).getValue()) {
      if (!(item instanceof MappingNode)) {
        error(item, null, "an override must be a mapping naming a 'rule' or a 'list'");
        continue;
      }
      MappingNode map = (MappingNode) item;
      String rule = null;
      String list = null;
      Boolean enabled = null;
      Severity severity = null;
      List<ExceptionDraft> exceptions = new ArrayList<>();
      List<Object> append = new ArrayList<>();
      int errorsBefore = errorCount();
      for (NodeTuple entry : entries(map, null)) {
        String key = keyOf(entry);
        Node value = entry.getValueNode();
        if (!OVERRIDE_KEYS.contains(key)) {
          error(
              entry.getKeyNode(),
              null,
              "unknown override key '"
                  + key
                  + "' (expected rule, enabled, severity, exceptions; or list, append)");
        } else if (key.equals("rule")) {
          rule = string(value, null, "rule").orElse(null);
        } else if (key.equals("list")) {
          list = string(value, null, "list").orElse(null);
        } else if (key.equals("enabled")) {
          if (value instanceof ScalarNode s
              && Set.of("true", "false").contains(s.getValue().toLowerCase(Locale.ROOT))) {
            enabled = Boolean.parseBoolean(s.getValue());
          } else {
            error(value, null, "'enabled' must be true or false");
          }
        } else if (key.equals("severity")) {
          Optional<String> text = string(value, null, "severity");
          severity = text.flatMap(Severity::parse).orElse(null);
          if (text.isPresent() && severity == null) {
            error(
                value,
                null,
                "unknown severity '"
                    + text.get()
                    + "' (expected info, low, medium, high or critical)");
          }
        } else if (key.equals("exceptions")) {
          for (ExceptionDraft e : exceptions(value, rule)) {
            exceptions.add(
                new ExceptionDraft(
                    e.name(),
                    e.condition(),
                    Optional.of(new ExceptionOrigin(file.origin(), source))));
          }
        } else if (value instanceof SequenceNode seq) {
          for (Node v : seq.getValue()) {
            if (v instanceof ScalarNode s && !isNull(v)) {
              append.add(scalarValue(s));
            } else {
              error(v, null, "'append' may only hold scalars");
            }
          }
        } else {
          error(value, null, "'append' must be a sequence of values");
        }
      }
      if ((rule == null) == (list == null)) {
        error(item, null, "an override names exactly one 'rule' or one 'list'");
      } else if (list != null && (enabled != null || severity != null || !exceptions.isEmpty())) {
        error(item, null, "a list override only takes 'append'");
      } else if (rule != null && !append.isEmpty()) {
        error(
            item,
            rule,
            "'append' is for lists; a rule override takes enabled, severity and exceptions");
      } else if (errorCount() == errorsBefore) {
        overrides.add(
            new OverrideDraft(
                Optional.ofNullable(rule),
                Optional.ofNullable(list),
                SourceText.of(item),
                Optional.ofNullable(enabled),
                Optional.ofNullable(severity),
                List.copyOf(exceptions),
                List.copyOf(append)));
      }
    }
  }

  private Map<String, ScalarNode> evidence(Node node, String id) {
    Map<String, ScalarNode> out = new LinkedHashMap<>();
    if (isNull(node)) {
      return out;
    }
    if (!(node instanceof MappingNode)) {
      error(node, id, "'evidence' must be a mapping of name to CEL expression");
      return out;
    }
    for (NodeTuple entry : entries((MappingNode) node, id)) {
      String name = keyOf(entry);
      if (!LIST_NAME.matcher(name).matches()) {
        error(
            entry.getKeyNode(),
            id,
            "evidence name '" + name + "' must match " + LIST_NAME.pattern());
        continue;
      }
      expression(entry.getValueNode(), id, "evidence." + name).ifPresent(e -> out.put(name, e));
    }
    return out;
  }

  private Optional<String> string(Node node, String id, String what) {
    if (node instanceof ScalarNode && !isNull(node)) {
      return Optional.of(((ScalarNode) node).getValue());
    }
    error(node, id, "'" + what + "' must be a string");
    return Optional.empty();
  }

  private Optional<ScalarNode> expression(Node node, String id, String what) {
    if (node instanceof ScalarNode && !isNull(node) && !((ScalarNode) node).getValue().isBlank()) {
      return Optional.of((ScalarNode) node);
    }
    error(node, id, "'" + what + "' must be a non-empty string");
    return Optional.empty();
  }

  private List<String> stringList(Node node, String id, String what) {
    List<String> out = new ArrayList<>();
    if (isNull(node)) {
      return out;
    }
    if (!(node instanceof SequenceNode)) {
      error(node, id, "'" + what + "' must be a list of strings");
      return out;
    }
    for (Node item : ((SequenceNode) node).getValue()) {
      string(item, id, what + " item").ifPresent(out::add);
    }
    return out;
  }

  /**
   * The entries of a mapping, reporting non-scalar and duplicate keys (SnakeYAML's composer allows
   * both).
   */
  private List<NodeTuple> entries(MappingNode node, String id) {
    List<NodeTuple> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NodeTuple entry : node.getValue()) {
      if (!(entry.getKeyNode() instanceof ScalarNode)) {
        error(entry.getKeyNode(), id, "keys must be plain strings");
      } else if (!seen.add(keyOf(entry))) {
        error(entry.getKeyNode(), id, "duplicate key '" + keyOf(entry) + "'");
      } else {
        out.add(entry);
      }
    }
    return out;
  }

  private static boolean hasKey(MappingNode node, String key) {
    return node.getValue().stream().anyMatch(e -> key.equals(keyOf(e)));
  }

  private static String keyOf(NodeTuple entry) {
    return entry.getKeyNode() instanceof ScalarNode
        ? ((ScalarNode) entry.getKeyNode()).getValue()
        : "";
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  private int errorCount() {
    return (int) problems.stream().filter(LoadProblem::isError).count();
  }

  private void error(Node node, String id, String message) {
    problems.add(LoadProblem.error(file.origin(), SourceText.of(node), id, message));
  }
}

package dev.dockward.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RuleSet} over event documents. An event only runs the enabled rules that can match
 * its {@code type} (read from each condition's AST at load time) plus the rules that do not
 * constrain the type. An evaluation error never escapes: it is counted per rule, logged once per
 * rule, and treated as no match. Safe for concurrent use.
 *
 * <p>A rule with {@code for:} fires once per episode: when its condition (less its exceptions) has
 * held on every event of one container (key {@code container.id}) for at least that long, measured
 * on the events' {@code time}; the episode ends on the first event of that container on which it
 * does not hold, or when the container stops. Only events of the types its top-level {@code &&}
 * chain admits count (a {@code resource_sample} rule's episode is not ended by an exec). Its alert
 * carries {@code held_since} and {@code held_seconds} as evidence.
 *
 * <p>A rule with {@code window:} counts its matching events (less exceptions), or the distinct
 * values of an expression among them, per key ({@code container.id} unless {@code by:} names
 * another expression) over the last {@code within} of event time, and fires once when the count
 * reaches {@code at_least}; again only after it has fallen below. Its alert carries {@code
 * window_count} and {@code window_since} (also {@code {window.count}} and {@code {window.since}} in
 * the output).
 */
public final class RuleEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);
  private static final String STOP_TYPE = "container_stop";

  /**
   * The contract's time format (RFC 3339, UTC, milliseconds), as the collector writes {@code time}.
   */
  private static final DateTimeFormatter TIME_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final RuleSet ruleSet;
  private final Map<String, List<CompiledRule>> byType;
  private final List<CompiledRule> anyType;
  private final Map<String, Counters> counters;

  /** The {@code for:} state of each rule that has one, by rule id. */
  private final Map<String, HoldTracker> holds;

  /** The {@code window:} state of each rule that has one, by rule id. */
  private final Map<String, WindowTracker> windows;

  /** Indexes the enabled rules of {@code ruleSet} by event type. */
  public RuleEngine(RuleSet ruleSet) {
    this(ruleSet, true);
  }

  /**
   * @param indexed false to run every enabled rule's condition on every event (the reference the
   *     index is tested against; a {@code for:} rule still judges its episodes on the types it
   *     admits)
   */
  RuleEngine(RuleSet ruleSet, boolean indexed) {
    this.ruleSet = ruleSet;
    List<CompiledRule> enabled =
        ruleSet.compiled().stream().filter(r -> r.rule().enabled()).toList();
    this.anyType =
        indexed ? enabled.stream().filter(r -> r.eventTypes().isEmpty()).toList() : enabled;
    Map<String, List<CompiledRule>> index = new HashMap<>();
    for (CompiledRule rule : indexed ? enabled : List.<CompiledRule>of()) {
      rule.eventTypes().ifPresent(types -> types.forEach(t -> index.putIfAbsent(t, null)));
    }
    // Per type, the typed rules and the untyped ones in load order, so alerts keep rule order.
    for (String type : List.copyOf(index.keySet())) {
      index.put(
          type,
          enabled.stream()
              .filter(r -> r.eventTypes().map(types -> types.contains(type)).orElse(true))
              .toList());
    }
    this.byType = Map.copyOf(index);
    Map<String, Counters> c = new LinkedHashMap<>();
    for (CompiledRule rule : ruleSet.compiled()) {
      c.put(rule.rule().id(), new Counters());
    }
    this.counters = Collections.unmodifiableMap(c);
    Map<String, HoldTracker> h = new HashMap<>();
    for (CompiledRule rule : enabled) {
      rule.rule().holdFor().ifPresent(d -> h.put(rule.rule().id(), new HoldTracker(d)));
    }
    this.holds = Map.copyOf(h);
    Map<String, WindowTracker> w = new HashMap<>();
    for (CompiledRule rule : enabled) {
      rule.window().ifPresent(spec -> w.put(rule.rule().id(), new WindowTracker(spec.spec())));
    }
    this.windows = Map.copyOf(w);
  }

  /** The rules this engine runs. */
  public RuleSet ruleSet() {
    return ruleSet;
  }

  /**
   * Evaluates every candidate rule on one event document (a live event or one read back from the
   * journal; numbers may be Integer, they are normalised first).
   *
   * @return the rules that fired, in load order
   */
  public List<RuleMatch> evaluate(Map<String, ?> eventDocument) {
    Map<String, Object> event = ValueNormaliser.normalisedForReading(eventDocument);
    forgetStopped(event);
    Object type = event.get("type");
    List<CompiledRule> candidates =
        type instanceof String ? byType.getOrDefault(type, anyType) : anyType;
    if (candidates.isEmpty()) {
      return List.of();
    }
    Map<String, Object> vars = EventVariables.forConditions(event, ruleSet.lists());
    List<RuleMatch> matches = new ArrayList<>();
    for (CompiledRule rule : candidates) {
      HoldTracker hold = holds.get(rule.rule().id());
      if (hold != null && !rule.admits(type)) {
        // Only reachable without the index: an event the rule's type constraint excludes is
        // not one of its episode's events (it neither holds nor ends it).
        continue;
      }
      Counters count = counters.get(rule.rule().id());
      count.evaluations.increment();
      WindowTracker window = windows.get(rule.rule().id());
      Optional<Instant> time = Optional.empty();
      if (hold != null || window != null) {
        time = eventTime(event);
        if (time.isEmpty()) {
          String key = hold != null ? "for" : "window";
          failed(rule, key, count, "the event has no valid 'time'; '" + key + ":' needs it");
          continue;
        }
      }
      boolean holds = isTrue(rule, rule.condition(), vars, "condition", count);
      if (holds && suppressed(rule, vars, count)) {
        count.suppressed.increment();
        holds = false;
      }
      Map<String, Object> evidence = new LinkedHashMap<>();
      if (hold != null) {
        Optional<Instant> since = hold.update(containerId(event), time.get(), holds);
        if (since.isEmpty()) {
          continue;
        }
        evidence.put("held_since", TIME_FORMAT.format(since.get()));
        evidence.put("held_seconds", Duration.between(since.get(), time.get()).toMillis() / 1000.0);
      } else if (!holds) {
        continue;
      }
      Map<String, Object> windowVars = Map.of();
      if (window != null) {
        Optional<WindowTracker.Fired> fired =
            windowed(rule, window, event, vars, time.get(), count);
        if (fired.isEmpty()) {
          continue;
        }
        String since = TIME_FORMAT.format(fired.get().since());
        evidence.put("window_count", (long) fired.get().count());
        evidence.put("window_since", since);
        windowVars = Map.of("count", (long) fired.get().count(), "since", since);
      }
      for (CompiledRule.NamedProgram item : rule.evidence()) {
        eval(rule, item.program(), vars, "evidence " + item.name(), count)
            .map(ValueNormaliser::value)
            .ifPresent(v -> evidence.put(item.name(), v));
      }
      Map<String, Object> outputVars = EventVariables.forOutput(event, evidence);
      if (window != null) {
        outputVars.put(RuleCompiler.WINDOW_ROOT, windowVars);
      }
      String summary = rule.output().render(outputVars);
      count.matches.increment();
      matches.add(new RuleMatch(rule.rule(), summary, evidence));
    }
    return matches;
  }

  /**
   * Counts a matching event in its key's window; empty when the key or value cannot be evaluated.
   */
  private static Optional<WindowTracker.Fired> windowed(
      CompiledRule rule,
      WindowTracker window,
      Map<String, Object> event,
      Map<String, Object> vars,
      Instant time,
      Counters count) {
    CompiledRule.WindowPrograms programs = rule.window().orElseThrow();
    String key;
    if (programs.by().isPresent()) {
      Optional<Object> by = eval(rule, programs.by().get(), vars, "window by", count);
      if (by.isEmpty()) {
        return Optional.empty();
      }
      key = String.valueOf(ValueNormaliser.value(by.get()));
    } else {
      key = containerId(event);
    }
    Optional<Object> value = Optional.empty();
    if (programs.distinct().isPresent()) {
      value =
          eval(rule, programs.distinct().get(), vars, "window distinct", count)
              .map(ValueNormaliser::value);
      if (value.isEmpty()) {
        return Optional.empty();
      }
    }
    return window.add(key, time, value);
  }

  private static boolean suppressed(CompiledRule rule, Map<String, Object> vars, Counters count) {
    for (CompiledRule.NamedProgram exception : rule.exceptions()) {
      if (isTrue(rule, exception.program(), vars, "exception " + exception.name(), count)) {
        return true;
      }
    }
    return false;
  }

  /** A stopped container's episodes end with it, so the state follows the running containers. */
  private void forgetStopped(Map<String, Object> event) {
    if (!holds.isEmpty() && STOP_TYPE.equals(event.get("type"))) {
      String id = containerId(event);
      holds.values().forEach(h -> h.forget(id));
    }
  }

  private static String containerId(Map<String, Object> event) {
    Object container = event.get("container");
    Object id = container instanceof Map ? ((Map<?, ?>) container).get("id") : null;
    return id instanceof String ? (String) id : "";
  }

  private static Optional<Instant> eventTime(Map<String, Object> event) {
    return RecordTime.of(event);
  }

  /**
   * Keys with a {@code for:} episode under way, over all rules (bounded; for tests and metrics).
   */
  public int heldEpisodes() {
    return holds.values().stream().mapToInt(HoldTracker::size).sum();
  }

  /** Counters of every loaded rule, by id, in load order. */
  public Map<String, RuleStats> stats() {
    Map<String, RuleStats> out = new LinkedHashMap<>();
    counters.forEach((id, c) -> out.put(id, c.snapshot()));
    return out;
  }

  /** Counters of one rule, empty when no such rule is loaded. */
  public Optional<RuleStats> stats(String ruleId) {
    return Optional.ofNullable(counters.get(ruleId)).map(Counters::snapshot);
  }

  private static boolean isTrue(
      CompiledRule rule,
      CelRuntime.Program program,
      Map<String, Object> vars,
      String what,
      Counters count) {
    Optional<Object> result = eval(rule, program, vars, what, count);
    if (result.isEmpty()) {
      return false;
    }
    if (result.get() instanceof Boolean) {
      return (Boolean) result.get();
    }
    failed(
        rule, what, count, "result is not a bool but " + result.get().getClass().getSimpleName());
    return false;
  }

  private static Optional<Object> eval(
      CompiledRule rule,
      CelRuntime.Program program,
      Map<String, Object> vars,
      String what,
      Counters count) {
    try {
      // Through a resolver: eval(Map) copies the variables into an immutable map on every call.
      CelVariableResolver resolver = name -> Optional.ofNullable(vars.get(name));
      return Optional.ofNullable(program.eval(resolver));
    } catch (CelEvaluationException | RuntimeException e) {
      // RuntimeException too: a rule must never take the pipeline down, whatever CEL throws.
      failed(rule, what, count, e.getMessage());
      return Optional.empty();
    }
  }

  private static void failed(CompiledRule rule, String what, Counters count, String message) {
    count.errors.increment();
    if (count.logged.compareAndSet(false, true)) {
      LOG.warn(
          "rule {} ({}): {}: evaluation failed (a condition counts as no match, an exception as false,"
              + " evidence is left out); further failures of this rule are only counted",
          rule.rule().id(),
          rule.rule().origin(),
          what + ": " + message);
    }
  }

  /** Live counters of one rule. */
  private static final class Counters {
    final LongAdder evaluations = new LongAdder();
    final LongAdder matches = new LongAdder();
    final LongAdder suppressed = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicBoolean logged = new AtomicBoolean();

    RuleStats snapshot() {
      return new RuleStats(evaluations.sum(), matches.sum(), suppressed.sum(), errors.sum());
    }
  }
}

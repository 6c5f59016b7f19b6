package dev.dockward.rules;

import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A rule ready to run: its programs, its template and the event types it can match.
 *
 * @param eventTypes empty when the rule runs for every event type
 * @param window the programs of its {@code window:}, empty without one
 */
record CompiledRule(
    Rule rule,
    CelRuntime.Program condition,
    List<NamedProgram> exceptions,
    List<NamedProgram> evidence,
    OutputTemplate output,
    Optional<Set<String>> eventTypes,
    Optional<WindowPrograms> window) {

  /** Whether an event of this {@code type} (a document's {@code type} value) can match. */
  boolean admits(Object type) {
    return eventTypes.isEmpty() || (type instanceof String && eventTypes.get().contains(type));
  }

  /**
   * A window's key and distinct-value expressions; an absent key means one window per container.
   */
  record WindowPrograms(
      Window spec, Optional<CelRuntime.Program> by, Optional<CelRuntime.Program> distinct) {}

  /** An exception or evidence expression with its name. */
  record NamedProgram(String name, CelRuntime.Program program) {}
}

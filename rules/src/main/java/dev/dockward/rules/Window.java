package dev.dockward.rules;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule's {@code window:}: it fires when at least {@code atLeast} matching events — or distinct
 * values of {@code distinct} among them — fall within {@code within} of event time for one key.
 *
 * @param within the window's length, on the events' own {@code time}; positive
 * @param by the CEL expression whose value keys the windows ({@code container.id} by default)
 * @param distinct a CEL expression: count its distinct values instead of the events; empty to count
 *     events
 * @param atLeast the count at which the rule fires; at least 1
 */
public record Window(Duration within, String by, Optional<String> distinct, int atLeast) {
  /** The key when a rule names none: one window per container ({@code ""} for the host). */
  public static final String DEFAULT_BY = "container.id";

  public Window {
    Objects.requireNonNull(within, "within");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(distinct, "distinct");
    if (within.isNegative() || within.isZero()) {
      throw new IllegalArgumentException("within must be positive: " + within);
    }
    if (atLeast < 1) {
      throw new IllegalArgumentException("atLeast must be at least 1: " + atLeast);
    }
  }
}

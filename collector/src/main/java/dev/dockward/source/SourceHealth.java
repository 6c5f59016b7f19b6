package dev.dockward.source;

import java.util.Locale;
import java.util.Objects;

/**
 * What a sensor can see right now: {@code running} (all it should), {@code degraded} (enabled but
 * blind in part or in whole: a missing privilege, a sandbox, a thread that failed and was
 * restarted; the reason says which) or {@code off} (not enabled, or not applicable here).
 *
 * @param state the state
 * @param reason why it is not running fully; "" when running
 */
public record SourceHealth(State state, String reason) {
  /** The states, worst last. */
  public enum State {
    RUNNING,
    OFF,
    DEGRADED;

    /** The name in records and metrics: {@code running}, {@code off}, {@code degraded}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final SourceHealth RUNNING = new SourceHealth(State.RUNNING, "");

  public SourceHealth {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
  }

  public static SourceHealth running() {
    return RUNNING;
  }

  public static SourceHealth degraded(String reason) {
    return new SourceHealth(State.DEGRADED, reason);
  }

  public static SourceHealth off(String reason) {
    return new SourceHealth(State.OFF, reason);
  }

  public boolean isDegraded() {
    return state == State.DEGRADED;
  }

  /** The worse of the two; of two degradations, both reasons. */
  public SourceHealth and(SourceHealth other) {
    if (state == State.DEGRADED && other.state == State.DEGRADED) {
      return degraded(reason + "; " + other.reason);
    }
    return other.state.compareTo(state) > 0 ? other : this;
  }
}

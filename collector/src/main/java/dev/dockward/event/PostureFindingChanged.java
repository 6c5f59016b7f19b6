package dev.dockward.event;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A posture finding appeared ({@link State#OPEN}) or went away ({@link State#RESOLVED}). The
 * posture audit emits one per change, never one per audit.
 */
public record PostureFindingChanged(Instant time, PostureFinding finding, State state)
    implements Event {
  /** The contract's {@code state}. */
  public enum State {
    OPEN,
    RESOLVED;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public PostureFindingChanged {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(finding, "finding");
    Objects.requireNonNull(state, "state");
  }

  @Override
  public String type() {
    return "posture_finding";
  }

  @Override
  public String source() {
    return "posture";
  }

  @Override
  public Optional<ContainerInfo> container() {
    return finding.container();
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new PostureFindingChanged(time, finding.withContainer(c), state);
  }

  @Override
  public void putFields(Map<String, Object> record) {
    record.put("state", state.text());
    record.put("finding", finding.document());
  }
}

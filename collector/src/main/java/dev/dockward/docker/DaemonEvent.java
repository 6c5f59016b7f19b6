package dev.dockward.docker;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One object of the daemon's event stream, reduced to what the agent uses.
 *
 * @param type {@code container}, {@code network}, {@code image}, …
 * @param action the verb without its detail: {@code exec_start: sh -c id} gives {@code exec_start}
 * @param detail what followed the colon in the action (the exec'd command), or empty
 * @param actorId the container (or other object) id
 * @param attributes the actor's attributes (name, image, labels, execID, exitCode…)
 * @param time the daemon's timestamp
 */
public record DaemonEvent(
    String type,
    String action,
    String detail,
    String actorId,
    Map<String, String> attributes,
    Instant time) {
  public DaemonEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(actorId, "actorId");
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(time, "time");
  }
}

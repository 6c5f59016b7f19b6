package dev.dockward.event;

import java.util.Objects;

/**
 * One sensor's state as lifecycle records carry it.
 *
 * @param name the source's name ({@code netlink}, {@code host_writes}, …)
 * @param state {@code running}, {@code degraded} or {@code off}
 * @param reason why it is degraded or off; "" when running
 */
public record SensorState(String name, String state, String reason) {
  public static final String DEGRADED = "degraded";

  public SensorState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
  }

  public boolean degraded() {
    return DEGRADED.equals(state);
  }
}

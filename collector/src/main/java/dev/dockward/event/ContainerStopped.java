package dev.dockward.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** A container's main process ended ({@code die}), with its exit code when the daemon gave one. */
public record ContainerStopped(Instant time, ContainerInfo info, OptionalInt exitCode) implements Event {
  public ContainerStopped {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(exitCode, "exitCode");
  }

  @Override public String type() { return "container_stop"; }
  @Override public String source() { return "docker"; }
  @Override public Optional<ContainerInfo> container() { return Optional.of(info); }
  @Override public Event withContainer(ContainerInfo c) { return new ContainerStopped(time, c, exitCode); }
}

package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A container's main process ended ({@code die}), with its exit code when the daemon gave one, and
 * whether the daemon's inspect of it at that moment said the OOM killer had killed a process of it
 * ({@code State.OOMKilled}; absent when it could not be inspected).
 */
public record ContainerStopped(
    Instant time, ContainerInfo info, OptionalInt exitCode, Optional<Boolean> oomKilled)
    implements Event {
  public ContainerStopped {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(oomKilled, "oomKilled");
  }

  /** A stop whose container was not inspected. */
  public ContainerStopped(Instant time, ContainerInfo info, OptionalInt exitCode) {
    this(time, info, exitCode, Optional.empty());
  }

  @Override
  public String type() {
    return "container_stop";
  }

  @Override
  public String source() {
    return "docker";
  }

  @Override
  public Optional<ContainerInfo> container() {
    return Optional.of(info);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ContainerStopped(time, c, exitCode, oomKilled);
  }

  @Override
  public void putFields(Map<String, Object> record) {
    EventDocuments.putIfPresent(record, "exit_code", exitCode);
    oomKilled.ifPresent(k -> record.put("oom_killed", k));
  }
}

package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container runs: seen started by the daemon, or found running when the agent (re)connected
 * ({@code alreadyRunning}).
 */
public record ContainerStarted(Instant time, ContainerInfo info, boolean alreadyRunning)
    implements Event {
  public ContainerStarted {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(info, "info");
  }

  @Override
  public String type() {
    return "container_start";
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
    return new ContainerStarted(time, c, alreadyRunning);
  }

  @Override
  public void putFields(Map<String, Object> record) {
    record.put("already_running", alreadyRunning);
  }
}

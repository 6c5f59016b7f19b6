package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The daemon reported an {@code oom} event for a container (one kill may be reported several
 * times).
 */
public record ContainerOomReported(Instant time, ContainerInfo info) implements Event {
  public ContainerOomReported {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(info, "info");
  }

  @Override
  public String type() {
    return "oom";
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
    return new ContainerOomReported(time, c);
  }

  @Override
  public void putFields(Map<String, Object> record) {} // the container is the whole story
}

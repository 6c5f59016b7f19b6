package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A {@code docker exec} session started in a container (the daemon's {@code exec_start}). */
public record DockerExecStarted(Instant time, ContainerInfo info, ExecInfo exec) implements Event {
  public DockerExecStarted {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(exec, "exec");
  }

  @Override
  public String type() {
    return "docker_exec";
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
    return new DockerExecStarted(time, c, exec);
  }

  @Override
  public void putFields(Map<String, Object> record) {
    record.put("exec", exec.document());
  }
}

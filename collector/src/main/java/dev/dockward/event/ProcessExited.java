package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A process ended (type {@code exit}).
 *
 * @param proc the process as last read, if the agent knew it
 * @param pid its pid
 * @param exitStatus the status it exited with (0–255); meaningful when {@code signal} is 0
 * @param signal the signal that killed it, 0 when it exited by itself
 * @param lifetimeMs how long it ran: exact when its fork was seen, else from its start time
 *     (clock-tick resolution); absent when neither is known
 */
public record ProcessExited(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    int pid,
    int exitStatus,
    int signal,
    OptionalLong lifetimeMs,
    Optional<ContainerInfo> container)
    implements Event {
  public ProcessExited {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(lifetimeMs, "lifetimeMs");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "exit";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ProcessExited(
        time, source, proc, pid, exitStatus, signal, lifetimeMs, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> exit = new LinkedHashMap<>();
    exit.put("pid", (long) pid);
    exit.put("status", (long) exitStatus);
    exit.put("signal", (long) signal);
    EventDocuments.putIfPresent(exit, "lifetime_ms", lifetimeMs);
    record.put("exit", exit);
  }
}

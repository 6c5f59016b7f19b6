package dev.dockward.event;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the host has for all its containers together, the basis of a container's share of it: a
 * container without limits is judged against these.
 *
 * @param cpus the host's CPUs
 * @param memoryBytes the host's memory ({@code MemTotal} of {@code /proc/meminfo})
 * @param tasks the most tasks the kernel allows at once: the smaller of {@code kernel.pid_max} and
 *     {@code kernel.threads-max}
 */
public record HostCapacity(OptionalLong cpus, OptionalLong memoryBytes, OptionalLong tasks) {
  /** Nothing known. */
  public static final HostCapacity UNKNOWN =
      new HostCapacity(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

  public HostCapacity {
    Objects.requireNonNull(cpus, "cpus");
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(tasks, "tasks");
  }
}

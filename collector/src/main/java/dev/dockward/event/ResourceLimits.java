package dev.dockward.event;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A container's resource limits; empty means unlimited.
 *
 * @param memoryBytes {@code --memory}
 * @param nanoCpus {@code --cpus} × 10⁹
 * @param cpuQuotaMicros {@code --cpu-quota} (per {@code cpuPeriodMicros})
 * @param cpuPeriodMicros {@code --cpu-period}
 * @param pids {@code --pids-limit}
 */
public record ResourceLimits(
    OptionalLong memoryBytes,
    OptionalLong nanoCpus,
    OptionalLong cpuQuotaMicros,
    OptionalLong cpuPeriodMicros,
    OptionalLong pids) {

  /** No limit at all. */
  public static final ResourceLimits NONE =
      new ResourceLimits(
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty());

  public ResourceLimits {
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(nanoCpus, "nanoCpus");
    Objects.requireNonNull(cpuQuotaMicros, "cpuQuotaMicros");
    Objects.requireNonNull(cpuPeriodMicros, "cpuPeriodMicros");
    Objects.requireNonNull(pids, "pids");
  }
}

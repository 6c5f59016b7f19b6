package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One sample of a running container's cgroup (type {@code resource_sample}, source {@code cgroup}):
 * the counters read now and the rates since the previous sample. Its document puts the figures
 * under {@code res} (see {@link ResourceDocument}).
 *
 * @param time when the cgroup was read
 * @param info the container
 * @param counters what the cgroup files said
 * @param rates what changed since the previous sample
 * @param host what the host has, for the container's share of it
 */
public record ResourceSampled(
    Instant time,
    ContainerInfo info,
    ResourceCounters counters,
    ResourceRates rates,
    HostCapacity host)
    implements Event {
  public ResourceSampled {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(rates, "rates");
    Objects.requireNonNull(host, "host");
  }

  /** A sample without the host's capacity (no host shares). */
  public ResourceSampled(
      Instant time, ContainerInfo info, ResourceCounters counters, ResourceRates rates) {
    this(time, info, counters, rates, HostCapacity.UNKNOWN);
  }

  @Override
  public String type() {
    return "resource_sample";
  }

  @Override
  public String source() {
    return "cgroup";
  }

  @Override
  public Optional<ContainerInfo> container() {
    return Optional.of(info);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ResourceSampled(time, c, counters, rates, host);
  }

  @Override
  public void putFields(Map<String, Object> record) {
    record.put("res", ResourceDocument.of(counters, rates, host));
  }
}

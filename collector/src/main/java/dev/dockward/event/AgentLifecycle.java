package dev.dockward.event;

import java.time.Duration;
import java.time.Instant;
import dev.dockward.host.MachineFacts;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's own life: started, a heartbeat at a fixed interval, stopped. A SOC alerts on a host
 * that went silent from these; the heartbeat also carries the events the agent lost.
 *
 * @param phase which moment
 * @param version the agent's version
 * @param uptime time since the agent started
 * @param drops events lost for good since start (kernel overruns, full queues, journal failures)
 * @param dropsNew of those, the ones since the previous heartbeat
 * @param hostFacts the machine's OS, kernel and hardware, on {@code agent_started} only
 * @param sensors every sensor's state, on {@code agent_started} and each heartbeat (else empty)
 * @param degradedNew the sensors degraded now that were not in the previous record (all degraded
 *     ones on {@code agent_started}): a bundled rule alerts on them
 */
public record AgentLifecycle(Instant time, Phase phase, String version, Duration uptime, long drops, long dropsNew,
    Optional<MachineFacts> hostFacts, List<SensorState> sensors, List<String> degradedNew) implements Event {

  /**
   * The moment a lifecycle record marks. {@code JOURNAL_OVERFLOW}: the journal went over its size
   * limit and deleted records no sink had shipped yet; then {@code drops} counts such records
   * since start and {@code dropsNew} the ones deleted now.
   */
  public enum Phase { STARTED, HEARTBEAT, STOPPED, JOURNAL_OVERFLOW }

  public AgentLifecycle {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(hostFacts, "hostFacts");
    sensors = List.copyOf(sensors);
    degradedNew = List.copyOf(degradedNew);
  }

  /** A record without sensor states. */
  public AgentLifecycle(Instant time, Phase phase, String version, Duration uptime, long drops, long dropsNew,
      Optional<MachineFacts> hostFacts) {
    this(time, phase, version, uptime, drops, dropsNew, hostFacts, List.of(), List.of());
  }

  /** A lifecycle record without host facts (every phase but {@code STARTED}). */
  public AgentLifecycle(Instant time, Phase phase, String version, Duration uptime, long drops, long dropsNew) {
    this(time, phase, version, uptime, drops, dropsNew, Optional.empty(), List.of(), List.of());
  }

  @Override public String type() { return "agent_" + phase.name().toLowerCase(Locale.ROOT); }
  @Override public String source() { return "agent"; }
  @Override public Optional<ContainerInfo> container() { return Optional.empty(); }
  @Override public Event withContainer(ContainerInfo c) { return this; }
}

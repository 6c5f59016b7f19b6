package dev.dockward.event;

import dev.dockward.host.MachineFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
public record AgentLifecycle(
    Instant time,
    Phase phase,
    String version,
    Duration uptime,
    long drops,
    long dropsNew,
    Optional<MachineFacts> hostFacts,
    List<SensorState> sensors,
    List<String> degradedNew)
    implements Event {

  /**
   * The moment a lifecycle record marks. {@code JOURNAL_OVERFLOW}: the journal went over its size
   * limit and deleted records no sink had shipped yet; then {@code drops} counts such records since
   * start and {@code dropsNew} the ones deleted now.
   */
  public enum Phase {
    STARTED,
    HEARTBEAT,
    STOPPED,
    JOURNAL_OVERFLOW
  }

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
  public AgentLifecycle(
      Instant time,
      Phase phase,
      String version,
      Duration uptime,
      long drops,
      long dropsNew,
      Optional<MachineFacts> hostFacts) {
    this(time, phase, version, uptime, drops, dropsNew, hostFacts, List.of(), List.of());
  }

  /** A lifecycle record without host facts (every phase but {@code STARTED}). */
  public AgentLifecycle(
      Instant time, Phase phase, String version, Duration uptime, long drops, long dropsNew) {
    this(time, phase, version, uptime, drops, dropsNew, Optional.empty(), List.of(), List.of());
  }

  @Override
  public String type() {
    return "agent_" + phase.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String source() {
    return "agent";
  }

  @Override
  public Optional<ContainerInfo> container() {
    return Optional.empty();
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return this;
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("version", version);
    agent.put("uptime_s", uptime.toSeconds());
    agent.put("drops", drops);
    agent.put("drops_new", dropsNew);
    if (!sensors.isEmpty()) {
      agent.put("sources", EventDocuments.sensorStates(sensors));
      agent.put(
          "degraded",
          sensors.stream().filter(SensorState::degraded).map(SensorState::name).toList());
      agent.put("degraded_new", degradedNew);
      agent.put("degraded_summary", degradedSummary());
    }
    record.put("agent", agent);
    hostFacts.ifPresent(f -> record.put("host_facts", EventDocuments.hostFacts(f)));
  }

  /**
   * The newly degraded sensors with their reasons, for an alert's summary: {@code name (reason);
   * …}.
   */
  private String degradedSummary() {
    StringBuilder out = new StringBuilder();
    for (SensorState sensor : sensors) {
      if (degradedNew.contains(sensor.name())) {
        out.append(out.length() == 0 ? "" : "; ")
            .append(sensor.name())
            .append(" (")
            .append(sensor.reason())
            .append(')');
      }
    }
    return out.toString();
  }
}

package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A known process (same pid and start time) has another effective capability set than when the
 * agent read it before (type {@code capability_change}): it executed a program with file
 * capabilities or set-user-id root, changed its uids, or dropped capabilities.
 *
 * @param proc the process as read now (its {@code cap_eff} is the new set)
 * @param previousCapEff the effective set read before
 */
public record CapabilityChanged(
    Instant time,
    String source,
    ProcessInfo proc,
    long previousCapEff,
    Optional<ContainerInfo> container)
    implements Event {
  public CapabilityChanged {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(container, "container");
  }

  /** Capabilities in the new set that the old one lacked. */
  public long gained() {
    return proc.capEff().orElse(0) & ~previousCapEff;
  }

  @Override
  public String type() {
    return "capability_change";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return Optional.of(proc);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new CapabilityChanged(time, source, proc, previousCapEff, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("previous_cap_eff", String.format("%016x", previousCapEff));
    change.put("gained", String.format("%016x", gained()));
    change.put("gained_names", CapabilityNames.of(gained()));
    record.put("capability_change", change);
  }
}

package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A process's real or effective uid changed (type {@code uid_change}): setuid and friends, or a
 * setuid program executed.
 *
 * @param proc the process as read right after the change
 * @param ruid the new real uid
 * @param euid the new effective uid
 * @param previousEuid the effective uid the agent saw before, if it had read the process
 */
public record UidChanged(
    Instant time,
    String source,
    ProcessInfo proc,
    int ruid,
    int euid,
    OptionalInt previousEuid,
    Optional<ContainerInfo> container)
    implements Event {
  public UidChanged {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(previousEuid, "previousEuid");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "uid_change";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return Optional.of(proc);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new UidChanged(time, source, proc, ruid, euid, previousEuid, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("ruid", (long) ruid);
    change.put("euid", (long) euid);
    EventDocuments.putIfPresent(change, "previous_euid", previousEuid);
    record.put("uid_change", change);
  }
}

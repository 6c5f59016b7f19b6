package dev.dockward.agent.health;

import dev.dockward.event.SensorState;
import dev.dockward.source.Source;
import dev.dockward.source.SourceHealth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every sensor the agent knows, with what it can see now: the sources that started report their own
 * health; a sensor that is enabled but could not start (no privilege, a sandbox, a kernel without
 * the interface) is degraded with the reason it failed; a sensor the configuration turned off is
 * off. Read by heartbeats, metrics and {@code /health/ready}.
 */
public final class SensorStates {
  private final Map<String, Supplier<SourceHealth>> byName = new LinkedHashMap<>();

  /** A source that started: its own health from now on. */
  public synchronized void started(Source source) {
    byName.put(source.name(), source::health);
  }

  /** An enabled sensor that could not start: degraded for the agent's whole run. */
  public synchronized void unavailable(String name, String reason) {
    SourceHealth health = SourceHealth.degraded(reason);
    byName.put(name, () -> health);
  }

  /** A sensor the configuration turned off. */
  public synchronized void disabled(String name, String setting) {
    SourceHealth health = SourceHealth.off("disabled in the configuration (" + setting + ")");
    byName.put(name, () -> health);
  }

  /** Each sensor's state now, in registration order. */
  public List<SensorState> now() {
    List<Map.Entry<String, Supplier<SourceHealth>>> entries;
    synchronized (this) {
      entries = new ArrayList<>(byName.entrySet());
    }
    List<SensorState> out = new ArrayList<>(entries.size());
    for (var e : entries) {
      SourceHealth h = e.getValue().get();
      out.add(new SensorState(e.getKey(), h.state().label(), h.reason()));
    }
    return out;
  }
}

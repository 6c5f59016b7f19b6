package dev.dockward.agent.detect;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.event.EventDocuments;
import dev.dockward.host.MachineFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Puts the host's operating system on every alert ({@code host.os}: {@code name}, {@code version},
 * {@code kernel}), so an analyst sees which OS and kernel the host runs without asking it. Events
 * keep the lean {@code host} object: the facts are on {@code agent_started} once. Alerts raised
 * before the facts are read (the first second of a run) go out without {@code host.os}.
 */
public final class HostOsEnricher extends ForwardingDetector {
  private final Supplier<Optional<MachineFacts>> facts;

  /**
   * @param facts the machine's facts when read; asked per alert, so it must not wait
   */
  public HostOsEnricher(Detector inner, Supplier<Optional<MachineFacts>> facts) {
    super(inner);
    this.facts = facts;
  }

  @Override
  public List<Map<String, Object>> alertsFor(Map<String, Object> event, Supplier<String> alertIds) {
    List<Map<String, Object>> alerts = inner.alertsFor(event, alertIds);
    if (alerts.isEmpty()) {
      return alerts;
    }
    Optional<Map<String, Object>> os = facts.get().flatMap(EventDocuments::hostOs);
    if (os.isEmpty()) {
      return alerts;
    }
    List<Map<String, Object>> out = new ArrayList<>(alerts.size());
    for (Map<String, Object> alert : alerts) {
      out.add(alert.get("host") instanceof Map<?, ?> host ? withOs(alert, host, os.get()) : alert);
    }
    return out;
  }

  private static Map<String, Object> withOs(
      Map<String, Object> alert, Map<?, ?> host, Map<String, Object> os) {
    Map<String, Object> h = new LinkedHashMap<>();
    host.forEach((k, v) -> h.put(String.valueOf(k), v));
    h.put("os", os);
    Map<String, Object> copy = new LinkedHashMap<>(alert);
    copy.put("host", h);
    return copy;
  }
}

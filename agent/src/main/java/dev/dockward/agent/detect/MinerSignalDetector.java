package dev.dockward.agent.detect;

import dev.dockward.agent.pipeline.Detector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Lets rules correlate a container's crypto-miner signal with its CPU use: remembers, per
 * container, the first alert of a miner rule ({@link #SIGNAL_RULES}) the inner detector raised, and
 * hands the inner detector that container's later resource samples with the signal added as {@code
 * miner_signal} ({@code rule}, {@code time}, {@code summary}). The rules see the copy; the journal
 * keeps the sample as the sampler made it, and a replay through this detector remembers the same
 * signals. A signal is forgotten when its container stops; at most {@link #MAX_CONTAINERS}
 * containers are remembered (the one least recently seen is dropped).
 */
public final class MinerSignalDetector extends ForwardingDetector {
  /** The rules whose alerts are a miner signal. */
  public static final Set<String> SIGNAL_RULES =
      Set.of("crypto_miner_in_container", "mining_pool_connection_from_container");

  /** The most containers with a signal remembered. */
  public static final int MAX_CONTAINERS = 10_000;

  private final Map<String, Map<String, Object>> signals =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
          return size() > MAX_CONTAINERS;
        }
      };

  public MinerSignalDetector(Detector inner) {
    super(inner);
  }

  @Override
  public synchronized List<Map<String, Object>> alertsFor(
      Map<String, Object> event, Supplier<String> alertIds) {
    String container = containerId(event);
    Map<String, Object> signal = container.isEmpty() ? null : signals.get(container);
    Map<String, Object> judged = event;
    if (signal != null && "resource_sample".equals(event.get("type"))) {
      judged = new LinkedHashMap<>(event);
      judged.put("miner_signal", signal);
    }
    List<Map<String, Object>> alerts = inner.alertsFor(judged, alertIds);
    if ("container_stop".equals(event.get("type"))) {
      signals.remove(container);
      return alerts;
    }
    if (!container.isEmpty() && signal == null) {
      for (Map<String, Object> alert : alerts) {
        if (SIGNAL_RULES.contains(String.valueOf(alert.get("rule")))) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("rule", alert.get("rule"));
          s.put("time", String.valueOf(event.get("time")));
          s.put("summary", String.valueOf(alert.getOrDefault("summary", "")));
          signals.put(container, s);
          break;
        }
      }
    }
    return alerts;
  }

  private static String containerId(Map<String, Object> event) {
    return event.get("container") instanceof Map<?, ?> c && c.get("id") instanceof String id
        ? id
        : "";
  }
}

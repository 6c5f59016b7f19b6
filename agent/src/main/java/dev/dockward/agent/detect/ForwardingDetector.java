package dev.dockward.agent.detect;

import dev.dockward.agent.pipeline.Detector;
import java.util.Map;
import java.util.Objects;

/**
 * A detector in front of another one that changes or filters the alerts it raises: the inner
 * detector's evaluation errors, suppressed counts and noise-control evictions pass through unless a
 * subclass keeps its own.
 */
abstract class ForwardingDetector implements Detector {
  protected final Detector inner;

  protected ForwardingDetector(Detector inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  @Override
  public void refused(Map<String, Object> event, Map<String, Object> alert) {
    inner.refused(event, alert);
  }

  @Override
  public Map<String, Long> evaluationErrors() {
    return inner.evaluationErrors();
  }

  @Override
  public Map<String, Long> suppressedAlerts() {
    return inner.suppressedAlerts();
  }

  @Override
  public Map<String, Long> noiseControlEvictions() {
    return inner.noiseControlEvictions();
  }
}

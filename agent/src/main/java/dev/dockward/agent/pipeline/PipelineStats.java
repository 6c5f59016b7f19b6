package dev.dockward.agent.pipeline;

import java.util.concurrent.atomic.LongAdder;

/** What the pipeline counted; read by logs now and by the metrics endpoint later. */
public final class PipelineStats {
  final LongAdder events = new LongAdder();
  final LongAdder alerts = new LongAdder();
  final LongAdder journalFailures = new LongAdder();
  final LongAdder detectorFailures = new LongAdder();

  public long events() {
    return events.sum();
  }

  public long alerts() {
    return alerts.sum();
  }

  public long journalFailures() {
    return journalFailures.sum();
  }

  public long detectorFailures() {
    return detectorFailures.sum();
  }
}

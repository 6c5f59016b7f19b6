package dev.dockward.source;

import java.time.Duration;
import java.util.Optional;

/**
 * A source that works in passes on a {@link PeriodicWorker}: its pass time, health, restarts and
 * liveness are the worker's.
 */
public interface PeriodicSource extends Source {
  /** The worker that runs the passes. */
  PeriodicWorker worker();

  @Override
  default Optional<Duration> lastPass() {
    return worker().lastPass();
  }

  @Override
  default SourceHealth health() {
    return worker().health();
  }

  @Override
  default long restarts() {
    return worker().restarts();
  }

  @Override
  default boolean alive() {
    return worker().alive();
  }
}

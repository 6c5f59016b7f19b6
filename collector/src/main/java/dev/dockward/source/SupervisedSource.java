package dev.dockward.source;

import java.util.Optional;

/**
 * A source whose work runs on one {@link SupervisedThread}: its health, restarts and liveness are
 * the thread's. Before it starts it is running, with nothing restarted.
 */
public interface SupervisedSource extends Source {
  /** The source's thread, once started. */
  Optional<SupervisedThread> supervisor();

  @Override
  default SourceHealth health() {
    return supervisor().map(SupervisedThread::health).orElse(SourceHealth.running());
  }

  @Override
  default long restarts() {
    return supervisor().map(SupervisedThread::restarts).orElse(0L);
  }

  @Override
  default boolean alive() {
    return supervisor().map(SupervisedThread::alive).orElse(true);
  }
}

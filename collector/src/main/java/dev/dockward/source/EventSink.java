package dev.dockward.source;

import dev.dockward.event.Event;

/**
 * Where a source delivers events. Implementations state their full-policy: the agent's pipeline
 * blocks the caller when its queue is full, so nothing a source hands over is lost.
 */
@FunctionalInterface
public interface EventSink {
  /**
   * Takes one event; may block while the pipeline is full.
   *
   * @throws InterruptedException when the agent shuts down while waiting
   */
  void accept(Event event) throws InterruptedException;
}

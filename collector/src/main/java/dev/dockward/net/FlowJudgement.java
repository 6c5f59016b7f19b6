package dev.dockward.net;

import dev.dockward.event.FlowObserved;
import java.time.Instant;
import java.util.Map;

/**
 * Where the network source hands each flow it saw before delivering it: the agent's judgement
 * (network policy, learning, scan counts), which adds the verdict. The collector judges nothing
 * itself; {@link #NONE} delivers the facts alone. Called from the capture thread, but for {@link
 * #start} and {@link #close}.
 */
public interface FlowJudgement extends AutoCloseable {
  /** No judgement: flows are delivered without a verdict. */
  FlowJudgement NONE = (flow, now) -> flow;

  /**
   * The flow as it is to be delivered, with the verdict of the flow (its start's, repeated on its
   * updates and end).
   *
   * @param now the time of delivery
   */
  FlowObserved judge(FlowObserved flow, Instant now);

  /** Whether it wants {@link #established} reports (learning is on). */
  default boolean learns() {
    return false;
  }

  /**
   * The flow, judged before, proved to be a real conversation (see {@link
   * FlowTable.Listener#established}); delivered as nothing.
   */
  default void established(FlowObserved flow) {}

  /** About once a second: forgets state with nothing left in it. */
  default void sweep(long nowMillis) {}

  /** Its monotonic counts, published with the source's. */
  default Map<String, Long> counters() {
    return Map.of();
  }

  /** The source starts. */
  default void start() {}

  /** The source stopped: saves what is left. */
  @Override
  default void close() {}
}

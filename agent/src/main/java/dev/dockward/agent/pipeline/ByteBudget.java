package dev.dockward.agent.pipeline;

import dev.dockward.event.Event;
import dev.dockward.event.ProcessInfoSize;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes the events waiting in the pipeline's queue may hold. The queue's slot count alone does
 * not bound memory: an exec event carries its command line, and a container can make every one
 * hundreds of KiB. A source that would go over the budget waits, as it waits for a free slot
 * (nothing is dropped); one event larger than the whole budget still passes when the queue is
 * empty, so nothing waits for ever.
 */
final class ByteBudget {
  /** An event's fixed part: its record, time, strings and container reference, rounded up. */
  private static final long EVENT = 256;

  private final long limit;
  private long used;
  private final LongAdder waits = new LongAdder();

  ByteBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("byte budget must be positive: " + limit);
    }
    this.limit = limit;
  }

  /** What an event keeps on the heap while it waits: its fixed part and its process's text. */
  static long sizeOf(Event event) {
    return EVENT + event.process().map(ProcessInfoSize::of).orElse(0L);
  }

  /** Takes {@code bytes}, waiting while they would go over the limit and others hold some. */
  synchronized void acquire(long bytes) throws InterruptedException {
    boolean waited = false;
    while (used > 0 && used + bytes > limit) {
      waited = true;
      wait();
    }
    if (waited) {
      waits.increment();
    }
    used += bytes;
  }

  synchronized void release(long bytes) {
    used -= bytes;
    notifyAll();
  }

  synchronized long used() {
    return used;
  }

  /** How many times a source waited for bytes. */
  long waits() {
    return waits.sum();
  }
}

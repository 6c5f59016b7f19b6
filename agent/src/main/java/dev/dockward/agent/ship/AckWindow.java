package dev.dockward.agent.ship;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * The records a shipper has sent but not yet committed, in journal order. The committed index
 * advances only over a contiguous run of acknowledged records from the oldest one, whatever order
 * the acknowledgements arrive in: a record acknowledged after an older one failed is not committed
 * until the older one is acknowledged too.
 *
 * <p>Pure and single-threaded: the shipper's thread feeds it acknowledgements that other threads
 * reported.
 */
final class AckWindow {
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private OptionalLong committed;
  private long lastOpened = Long.MIN_VALUE;

  /**
   * @param committed the index already acknowledged (from the checkpoint), if any
   */
  AckWindow(OptionalLong committed) {
    this.committed = committed;
  }

  /** One record in flight: its journal index and how often it was sent. */
  static final class Slot {
    final long index;
    private boolean acknowledged;
    private int attempts;
    private int trims;
    private int trimmedBytes;

    private Slot(long index) {
      this.index = index;
    }

    int attempts() {
      return attempts;
    }

    void sending() {
      attempts++;
    }

    /** How often the record was cut smaller because the sink refused its size. */
    int trims() {
      return trims;
    }

    /** The size of the last cut version sent, in bytes (0 before the first cut). */
    int trimmedBytes() {
      return trimmedBytes;
    }

    void trimmed(int bytes) {
      trims++;
      trimmedBytes = bytes;
    }
  }

  /** A record about to be sent; indices must increase. */
  Slot open(long index) {
    if (index <= lastOpened) {
      throw new IllegalArgumentException("index " + index + " is not after " + lastOpened);
    }
    lastOpened = index;
    Slot slot = new Slot(index);
    slots.addLast(slot);
    return slot;
  }

  /**
   * A record this sink does not take (an event when it ships alerts only): acknowledged at once, so
   * the committed index can move past it.
   */
  void skip(long index) {
    acknowledge(open(index));
  }

  /**
   * Marks the record acknowledged.
   *
   * @return whether the committed index moved
   */
  boolean acknowledge(Slot slot) {
    if (slot.acknowledged) {
      return false;
    }
    slot.acknowledged = true;
    boolean moved = false;
    while (!slots.isEmpty() && slots.peekFirst().acknowledged) {
      committed = OptionalLong.of(slots.removeFirst().index);
      moved = true;
    }
    return moved;
  }

  /** The newest index below which every record is acknowledged. */
  OptionalLong committed() {
    return committed;
  }

  /** Records sent (or skipped) and not yet committed; bounds what a shipper keeps in memory. */
  int size() {
    return slots.size();
  }

  boolean isEmpty() {
    return slots.isEmpty();
  }
}

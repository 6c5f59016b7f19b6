package dev.dockward.netlink;

import dev.dockward.event.ProcessInfoSize;
import dev.dockward.netlink.ProcessTable.Entry;

/**
 * Estimates of the heap a cached process keeps alive, for the table's byte budget (see {@link
 * ProcessInfoSize}).
 */
final class RetainedSize {
  /**
   * The table's own share of an entry: a hash map node (32), its slot in the table (8), the boxed
   * pid (16), the holder with its size (24), the entry record (40), its OptionalLong (24), its two
   * Optionals (32) and a slot in the shedding queue (8).
   */
  private static final long ENTRY = 32 + 8 + 16 + 24 + 40 + 24 + 32 + 8;

  private RetainedSize() {}

  /** The whole entry: the table's share, its container id and its process details. */
  static long of(Entry e) {
    return ENTRY
        + e.containerId().map(ProcessInfoSize::text).orElse(0L)
        + e.info().map(ProcessInfoSize::of).orElse(0L);
  }
}

package dev.dockward.netlink;

import dev.dockward.event.ProcessInfo;
import dev.dockward.netlink.ProcessTable.Entry;

/**
 * Estimates of the heap a cached process keeps alive, for the table's byte budget. The fixed parts
 * are the object layouts of a 64-bit HotSpot JVM with compressed references (12-byte headers,
 * 8-byte alignment), rounded up; text is what the process chose, so its size is counted exactly:
 * one byte a character when every character fits in Latin-1 (Java's compact strings), else two.
 * Shared constants (namespace kind names, stdio kinds, empty optionals) are not counted.
 */
final class RetainedSize {
  /** A String object and its array's header, without the characters. */
  private static final long STRING = 24 + 16;
  /**
   * The table's own share of an entry: a hash map node (32), its slot in the table (8), the
   * boxed pid (16), the holder with its size (24), the entry record (40), its OptionalLong (24),
   * its two Optionals (32) and a slot in the shedding queue (8).
   */
  private static final long ENTRY = 32 + 8 + 16 + 24 + 40 + 24 + 32 + 8;
  /**
   * A ProcessInfo without its text and namespaces: the record (80), its OptionalInt and
   * OptionalLong boxes (24 each), its stdio list with its array's header (24 + 16), the optional
   * host namespace list (16 + 24) and the executable's time (16 + 24).
   */
  private static final long INFO = 80 + 24 + 24 + 24 + 24 + 16 + 16 + 24 + 16 + 24;
  /** The namespaces' immutable map and its table's header. */
  private static final long MAP = 32 + 16;
  /** Per namespace: a key and value slot, doubled by the map's open addressing (16), and the boxed inode (24). */
  private static final long NAMESPACE = 16 + 24;

  private RetainedSize() {}

  /** The whole entry: the table's share, its container id and its process details. */
  static long of(Entry e) {
    return ENTRY + e.containerId().map(RetainedSize::text).orElse(0L) + e.info().map(RetainedSize::details).orElse(0L);
  }

  /** What a process's details keep: the record and everything it alone refers to. */
  static long details(ProcessInfo p) {
    return INFO + text(p.name()) + text(p.exe()) + text(p.cmdline()) + text(p.cgroup())
        + MAP + (long) p.namespaces().size() * NAMESPACE
        + 4L * (p.stdio().size() + p.hostNamespaces().map(l -> l.size()).orElse(0));
  }

  /** A string: object, array header and characters (an empty string is Java's shared constant). */
  static long text(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    long bytes = latin1(s) ? s.length() : 2L * s.length();
    return STRING + align(bytes);
  }

  private static boolean latin1(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xff) {
        return false;
      }
    }
    return true;
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}

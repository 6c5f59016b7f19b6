package dev.dockward.event;

/**
 * Estimates of the heap a {@link ProcessInfo} keeps alive, for the caches that hold processes under
 * a byte budget. The fixed parts are the object layouts of a 64-bit HotSpot JVM with compressed
 * references (12-byte headers, 8-byte alignment), rounded up; text is what the process chose, so it
 * is counted exactly: one byte a character when every character fits in Latin-1 (Java's compact
 * strings), else two. Shared constants (namespace kind names, stdio kinds, empty optionals) are not
 * counted. Checked against JOL's measure of real instances: within 1 %.
 */
public final class ProcessInfoSize {
  /** A String object and its array's header, without the characters. */
  private static final long STRING = 24 + 16;

  /**
   * A ProcessInfo without its text and namespaces: the record (80), its OptionalInt and
   * OptionalLong boxes (24 each), its stdio list with its array's header (24 + 16), the optional
   * host namespace list (16 + 24) and the executable's time (16 + 24).
   */
  private static final long INFO = 80 + 24 + 24 + 24 + 24 + 16 + 16 + 24 + 16 + 24;

  /** The namespaces' immutable map and its table's header. */
  private static final long MAP = 32 + 16;

  /**
   * Per namespace: a key and value slot, doubled by the map's open addressing (16), and the boxed
   * inode (24).
   */
  private static final long NAMESPACE = 16 + 24;

  /**
   * Per loader variable: its slots (16) and its value; the keys are the parser's shared constants.
   */
  private static final long LOADER_ENTRY = 16;

  private ProcessInfoSize() {}

  /** What a process's record keeps: the record and everything it alone refers to. */
  public static long of(ProcessInfo p) {
    return INFO
        + text(p.name())
        + text(p.exe())
        + text(p.cmdline())
        + text(p.cgroup())
        + MAP
        + (long) p.namespaces().size() * NAMESPACE
        + 4L * (p.stdio().size() + p.hostNamespaces().map(l -> l.size()).orElse(0))
        + loaderEnv(p);
  }

  /**
   * The loader variables' map (Java's shared empty map when there are none, as for most processes).
   */
  private static long loaderEnv(ProcessInfo p) {
    if (p.loaderEnv().isEmpty()) {
      return 0;
    }
    long values = 0;
    for (String v : p.loaderEnv().values()) {
      values += LOADER_ENTRY + text(v);
    }
    return MAP + values;
  }

  /** A string: object, array header and characters (an empty string is Java's shared constant). */
  public static long text(String s) {
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

package dev.dockward.source;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sockets (by inode) already reported by one source, so that another that sees the same socket does
 * not report it again: the audit source reports a packet socket at its {@code socket()} call, the
 * host watch's periodic pass when it finds it open in a container's table; whichever claims the
 * inode first reports it. Holds the most recent {@value #CAPACITY} inodes (socket inodes are not
 * reused soon: the kernel counts them up). Thread-safe.
 */
public final class SocketClaims {
  static final int CAPACITY = 4096;

  private final Map<Long, Boolean> claimed =
      new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * Claims {@code inode}: true when no one had, so the caller reports it; false when it was
   * reported already.
   */
  public synchronized boolean claim(long inode) {
    return claimed.putIfAbsent(inode, Boolean.TRUE) == null;
  }
}

package dev.dockward.sockdiag;

import java.util.Objects;

/**
 * One unix domain socket as {@code NETLINK_SOCK_DIAG} reports it.
 *
 * @param inode the socket's inode (the N of {@code socket:[N]} in {@code /proc/<pid>/fd})
 * @param state the TCP-style state: 10 listening, 1 connected
 * @param path the bound path; an accepted connection carries its listener's; empty when unbound
 * @param peerInode the inode of the other end, 0 when not connected
 */
public record UnixSocketEntry(long inode, int state, String path, long peerInode) {
  /** {@code TCP_ESTABLISHED}. */
  public static final int CONNECTED = 1;

  public UnixSocketEntry {
    Objects.requireNonNull(path, "path");
  }
}

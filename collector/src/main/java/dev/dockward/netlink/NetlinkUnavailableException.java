package dev.dockward.netlink;

/**
 * A netlink socket cannot be used here: not root, a kernel without {@code CONFIG_PROC_EVENTS} (the
 * process connector) or {@code CONFIG_UNIX_DIAG} (sock_diag), or no netlink at all. Without the
 * process connector the agent relies on the /proc scan.
 */
public final class NetlinkUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what could not be done, with the errno's text
   */
  public NetlinkUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

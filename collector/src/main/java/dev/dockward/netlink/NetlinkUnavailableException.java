package dev.dockward.netlink;

/**
 * The kernel's process connector cannot be used here: not root, a kernel without
 * {@code CONFIG_PROC_EVENTS}, or no netlink at all. The agent then relies on the /proc scan.
 */
public final class NetlinkUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  NetlinkUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

/**
 * The unix domain sockets of a network namespace through {@code NETLINK_SOCK_DIAG}: {@link
 * dev.dockward.sockdiag.UnixSocketDiag} asks the kernel (optionally from inside another network
 * namespace), a pure parser turns the raw dump into {@link dev.dockward.sockdiag.UnixSocketEntry}
 * records. The socket calls come from {@code dev.dockward.netlink}'s {@code LibC}.
 */
package dev.dockward.sockdiag;

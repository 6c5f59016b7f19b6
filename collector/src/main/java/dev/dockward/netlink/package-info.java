/**
 * Real-time process events from the kernel's process connector ({@code NETLINK_CONNECTOR}, {@code
 * CN_IDX_PROC}) through JNA: {@link dev.dockward.netlink.NetlinkProcessSource} receives on one
 * thread, parses with a pure parser ({@code ProcEventParser}, raw datagram bytes to {@link
 * dev.dockward.netlink.ProcEvent} records) and hands over through a bounded queue to a worker that
 * reads each exec'd process from /proc and keeps a process cache. Every drop — a full queue, or the
 * kernel's ENOBUFS — is counted in {@link dev.dockward.netlink.NetlinkStats} and makes the /proc
 * scan rescan at once. The libc socket bindings ({@link dev.dockward.netlink.LibC}) also serve
 * {@code dev.dockward.sockdiag}.
 */
package dev.dockward.netlink;

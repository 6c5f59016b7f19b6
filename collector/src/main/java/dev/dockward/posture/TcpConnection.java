package dev.dockward.posture;

/**
 * An established TCP connection, from {@code /proc/<pid>/net/tcp} or {@code tcp6}.
 *
 * @param localAddress the local address as text
 * @param localPort the local port
 * @param remoteAddress the peer's address as text
 * @param remotePort the peer's port
 * @param inode the socket's inode, which links it to the file descriptors of its owner
 */
record TcpConnection(
    String localAddress, int localPort, String remoteAddress, int remotePort, long inode) {
  boolean remoteLoopback() {
    return remoteAddress.startsWith("127.") || remoteAddress.equals("::1");
  }
}

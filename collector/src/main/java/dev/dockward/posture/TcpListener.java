package dev.dockward.posture;

/**
 * A TCP socket in LISTEN state, from {@code /proc/<pid>/net/tcp} or {@code tcp6}.
 *
 * @param address the local address as text ({@code 127.0.0.1}, {@code ::}, {@code 0.0.0.0})
 * @param port the local port
 * @param inode the socket's inode, which links it to the file descriptors of its owner
 */
record TcpListener(String address, int port, long inode) {
  /** {@code 127.0.0.1:2375}, {@code [::]:2375}. */
  String endpoint() {
    return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }

  boolean loopback() {
    return address.startsWith("127.") || address.equals("::1");
  }
}

package dev.dockward.posture;

/**
 * A TCP socket listening on a non-loopback address of the host, with its owner when found.
 *
 * @param socket the listening socket
 * @param pid the owning process, or 0 when no process's descriptors name it
 * @param comm the owner's {@code comm}, or empty
 */
record HostListener(TcpListener socket, int pid, String comm) {}

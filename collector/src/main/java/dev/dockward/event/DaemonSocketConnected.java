package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process holds a connection to a container runtime's API socket (type {@code
 * daemon_socket_client}), found from the daemon's end of the connection.
 *
 * @param proc the client process
 * @param path the socket's path on the host, e.g. {@code /var/run/docker.sock}
 * @param serverInode the inode of the daemon's end
 * @param clientInode the inode of the client's end (its {@code socket:[N]})
 */
public record DaemonSocketConnected(
    Instant time,
    String source,
    ProcessInfo proc,
    String path,
    long serverInode,
    long clientInode,
    Optional<ContainerInfo> container)
    implements Event {
  public DaemonSocketConnected {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "daemon_socket_client";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return Optional.of(proc);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new DaemonSocketConnected(
        time, source, proc, path, serverInode, clientInode, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> socket = new LinkedHashMap<>();
    socket.put("path", path);
    socket.put("server_inode", serverInode);
    socket.put("client_inode", clientInode);
    record.put("socket", socket);
  }
}

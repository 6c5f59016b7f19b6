package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A packet socket (AF_PACKET) open in a container's network namespace (type {@code packet_socket}):
 * raw frames in and out, for sniffing or forging traffic (ARP spoofing of neighbours on a bridge).
 * Seen in the namespace's {@code /proc/<pid>/net/packet}; containers that share the host's network
 * namespace are not looked at (the host's own packet sockets are no container's).
 *
 * @param proc the process holding the socket, when one was found (it may have closed it already)
 * @param inode the socket's inode
 * @param socketType {@code raw} or {@code dgram} (or the kernel's number)
 * @param protocol the ethernet protocol in hex as the kernel prints it, e.g. {@code 0003} (all) or {@code 0800}
 * @param ifindex the interface it is bound to, 0 for all
 * @param uid the socket's owner
 */
public record PacketSocketSeen(Instant time, String source, Optional<ProcessInfo> proc, long inode, String socketType,
    String protocol, int ifindex, long uid, Optional<ContainerInfo> container) implements Event {
  public PacketSocketSeen {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(socketType, "socketType");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(container, "container");
  }

  @Override public String type() { return "packet_socket"; }
  @Override public Optional<ProcessInfo> process() { return proc; }
  @Override public Event withContainer(ContainerInfo c) {
    return new PacketSocketSeen(time, source, proc, inode, socketType, protocol, ifindex, uid, Optional.of(c));
  }
  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> socket = new LinkedHashMap<>();
    socket.put("inode", inode);
    socket.put("type", socketType);
    socket.put("protocol", protocol);
    socket.put("ifindex", (long) ifindex);
    socket.put("uid", uid);
    record.put("packet_socket", socket);
  }
}

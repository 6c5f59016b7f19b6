package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A packet socket (AF_PACKET) open in a container's network namespace (type {@code packet_socket}):
 * raw frames in and out, for sniffing or forging traffic (ARP spoofing of neighbours on a bridge).
 * Seen in the namespace's {@code /proc/<pid>/net/packet} by the host watch's periodic pass
 * (containers that share the host's network namespace are not looked at: the host's own packet
 * sockets are no container's), or, in audit mode, at the {@code socket()} call itself by the audit
 * source (a socket opened and closed between two passes too; any container process). A socket both
 * see is reported once, by whichever saw it first.
 *
 * @param proc the process holding the socket, when one was found (it may have closed it already)
 * @param inode the socket's inode; empty when the audit source could not read it (the process had
 *     closed the descriptor or ended before it was read)
 * @param socketType {@code raw} or {@code dgram} (or the kernel's number)
 * @param protocol the ethernet protocol in hex as the kernel prints it, e.g. {@code 0003} (all) or
 *     {@code 0800}
 * @param ifindex the interface it is bound to, 0 for all (always 0 from audit: a new socket is not
 *     bound yet)
 * @param uid the socket's owner (from audit: the caller's effective uid)
 */
public record PacketSocketSeen(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    OptionalLong inode,
    String socketType,
    String protocol,
    int ifindex,
    long uid,
    Optional<ContainerInfo> container)
    implements Event {
  public PacketSocketSeen {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(inode, "inode");
    Objects.requireNonNull(socketType, "socketType");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "packet_socket";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new PacketSocketSeen(
        time, source, proc, inode, socketType, protocol, ifindex, uid, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> socket = new LinkedHashMap<>();
    inode.ifPresent(i -> socket.put("inode", i));
    socket.put("type", socketType);
    socket.put("protocol", protocol);
    socket.put("ifindex", (long) ifindex);
    socket.put("uid", uid);
    record.put("packet_socket", socket);
  }

  /**
   * A packet socket's type by the kernel's number ({@code SOCK_DGRAM} 2, {@code SOCK_RAW} 3, the
   * obsolete {@code SOCK_PACKET} 10).
   */
  public static String typeName(int type) {
    return switch (type) {
      case 2 -> "dgram";
      case 3 -> "raw";
      case 10 -> "packet";
      default -> Integer.toString(type);
    };
  }
}

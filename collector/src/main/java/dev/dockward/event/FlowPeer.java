package dev.dockward.event;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One end of a flow, resolved against the Docker inventory.
 *
 * @param kind a container, the host (a bridge gateway or another address of the host), or external
 * @param ip the address as seen on the wire
 * @param port the TCP/UDP port, -1 for protocols without ports
 * @param mac the MAC address as first seen (for routed traffic, the gateway's)
 * @param container the container, for {@link Kind#CONTAINER}
 */
public record FlowPeer(Kind kind, String ip, int port, String mac, Optional<ContainerInfo> container) {
  /** What an address belongs to. */
  public enum Kind {
    CONTAINER, HOST, EXTERNAL;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FlowPeer {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(container, "container");
    if ((kind == Kind.CONTAINER) != container.isPresent()) {
      throw new IllegalArgumentException("a container peer, and only that, has a container");
    }
  }

  /** How rules and alerts name this end: the container's name, {@code host}, or the address. */
  public String displayName() {
    return switch (kind) {
      case CONTAINER -> container.map(ContainerInfo::name).filter(n -> !n.isEmpty()).orElse(ip);
      case HOST -> "host";
      case EXTERNAL -> ip;
    };
  }
}

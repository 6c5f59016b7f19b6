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
 * @param spoofed for a sender known by its MAC that used an address that is not its own: whom the
 *     address belongs to (another container, the host, or no one Docker knows); empty when the
 *     address is the sender's or could not be checked
 */
public record FlowPeer(
    Kind kind,
    String ip,
    int port,
    String mac,
    Optional<ContainerInfo> container,
    Optional<AddressOwner> spoofed) {
  /** What an address belongs to. */
  public enum Kind {
    CONTAINER,
    HOST,
    EXTERNAL;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FlowPeer {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(spoofed, "spoofed");
    if ((kind == Kind.CONTAINER) != container.isPresent()) {
      throw new IllegalArgumentException("a container peer, and only that, has a container");
    }
  }

  /** An end whose address was not found spoofed. */
  public FlowPeer(Kind kind, String ip, int port, String mac, Optional<ContainerInfo> container) {
    this(kind, ip, port, mac, container, Optional.empty());
  }

  /** The same end with its container's facts replaced (enrichment). */
  public FlowPeer withContainer(ContainerInfo c) {
    return new FlowPeer(kind, ip, port, mac, Optional.of(c), spoofed);
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

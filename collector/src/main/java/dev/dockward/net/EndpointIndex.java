package dev.dockward.net;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowPeer;
import dev.dockward.event.NetworkEndpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which container, if any, owns an address: a snapshot of the inventory's network endpoints, plus
 * the bridge gateways and the host's own addresses (both {@code host}). Rebuilt from the current
 * inventory about once a second; a flow's ends are resolved once, when it starts.
 *
 * <p>An address two containers claim (a stopped container's address given to a new one before the
 * inventory caught up) goes to the one whose MAC is the frame's; without a MAC match it is not
 * guessed: the end is {@code external} and the ambiguity is counted.
 */
final class EndpointIndex {
  private final Map<IpAddress, List<Owner>> containers;
  private final Set<IpAddress> host;
  private long ambiguous;

  private record Owner(ContainerInfo container, String mac) { }

  private EndpointIndex(Map<IpAddress, List<Owner>> containers, Set<IpAddress> host) {
    this.containers = containers;
    this.host = host;
  }

  static final EndpointIndex EMPTY = new EndpointIndex(Map.of(), Set.of());

  static EndpointIndex of(Collection<ContainerInfo> running, Collection<IpAddress> hostAddresses) {
    Map<IpAddress, List<Owner>> byIp = new HashMap<>();
    Set<IpAddress> host = new HashSet<>(hostAddresses);
    for (ContainerInfo c : running) {
      for (NetworkEndpoint ep : c.networks().values()) {
        IpAddress.parse(ep.ipAddress()).ifPresent(ip ->
            byIp.computeIfAbsent(ip, k -> new ArrayList<>(1)).add(new Owner(c, ep.macAddress().toLowerCase(Locale.ROOT))));
        IpAddress.parse(ep.gateway()).ifPresent(host::add);
      }
    }
    return new EndpointIndex(byIp, host);
  }

  /** The end at {@code ip}, seen with {@code mac}. */
  FlowPeer peer(IpAddress ip, int port, long mac) {
    String macText = FrameFacts.macText(mac);
    Optional<ContainerInfo> owner = owner(ip, macText);
    if (owner.isPresent()) {
      return new FlowPeer(FlowPeer.Kind.CONTAINER, ip.toString(), port, macText, owner);
    }
    FlowPeer.Kind kind = host.contains(ip) ? FlowPeer.Kind.HOST : FlowPeer.Kind.EXTERNAL;
    return new FlowPeer(kind, ip.toString(), port, macText, Optional.empty());
  }

  long ambiguous() {
    return ambiguous;
  }

  private Optional<ContainerInfo> owner(IpAddress ip, String mac) {
    List<Owner> owners = containers.get(ip);
    if (owners == null) {
      return Optional.empty();
    }
    if (owners.size() == 1) {
      return Optional.of(owners.get(0).container());
    }
    for (Owner o : owners) {
      if (o.mac().equals(mac)) {
        return Optional.of(o.container());
      }
    }
    ambiguous++;
    return Optional.empty();
  }
}

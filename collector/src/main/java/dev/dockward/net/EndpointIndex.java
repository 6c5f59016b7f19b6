package dev.dockward.net;

import dev.dockward.event.AddressOwner;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowPeer;
import dev.dockward.event.NetworkEndpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which container, if any, owns an address or a MAC: a snapshot of the inventory's network
 * endpoints, plus the bridge gateways and the host's own addresses (both {@code host}). Rebuilt
 * from the current inventory about once a second; a flow's ends are resolved once, when it starts.
 *
 * <p><b>The sender is known by its MAC.</b> A frame's source MAC is the sending container's
 * endpoint (Docker gives each endpoint its own), while its source address is whatever the sender
 * wrote: with {@code CAP_NET_RAW}, which Docker grants by default, a container can write a
 * neighbour's address or a foreign one. So a flow's source is resolved by its MAC first: the
 * container owning the MAC is the sender, and an IPv4 address that is none of that container's is
 * {@linkplain FlowPeer#spoofed() spoofed} (its owner is told). Docker's inventory lists no IPv6
 * addresses (link-local ones are the container's own choice): an IPv6 source is attributed by MAC
 * but not checked. A MAC no container owns (the bridge's, for routed traffic) leaves the address to
 * speak for itself.
 *
 * <p><b>Better still, by the port it came in on.</b> A container with {@code NET_RAW} can write any
 * source MAC as well, a neighbour's included. What it cannot choose is the bridge port its frames
 * enter by: the host end of its own veth. A flow whose first frame was captured on a container's
 * port is that container's, whatever its addresses say; a source MAC or IPv4 address that is not
 * the container's is {@linkplain AddressOwner#forged() forged}, and the owner of the forged address
 * (or MAC) is told. Frames that came from the host's side of the bridge (routed or sent by the
 * host) and frames of a port whose container is not known yet fall back to the MAC and address.
 *
 * <p>An address two containers claim (a stopped container's address given to a new one before the
 * inventory caught up) goes to the one whose MAC is the frame's; without a MAC match it is not
 * guessed: the end is {@code external} and the ambiguity is counted.
 */
final class EndpointIndex {
  private final Map<IpAddress, List<Owner>> containers;
  private final Map<Long, List<Owner>> byMac;
  private final Set<IpAddress> host;
  private final Map<Integer, ContainerInfo> byPort;
  private long ambiguous;

  /** One endpoint: its container, address and MAC, and every address of that container. */
  private record Owner(
      ContainerInfo container, IpAddress ip, String mac, Set<IpAddress> containerIps) {}

  /**
   * A flow's source end.
   *
   * @param peer the end as the flow reports it (the real sender, with {@code spoofed} when it is
   *     one)
   * @param identity the address the sender is counted under (its own endpoint address when it is
   *     known by its MAC, so a sender rotating forged addresses stays one source)
   */
  record Sender(FlowPeer peer, IpAddress identity) {}

  private EndpointIndex(
      Map<IpAddress, List<Owner>> containers,
      Map<Long, List<Owner>> byMac,
      Set<IpAddress> host,
      Map<Integer, ContainerInfo> byPort,
      long ambiguous) {
    this.containers = containers;
    this.byMac = byMac;
    this.host = host;
    this.byPort = byPort;
    this.ambiguous = ambiguous;
  }

  static final EndpointIndex EMPTY = new EndpointIndex(Map.of(), Map.of(), Set.of(), Map.of(), 0);

  /** Without bridge ports: senders are known by MAC and address only. */
  static EndpointIndex of(Collection<ContainerInfo> running, Collection<IpAddress> hostAddresses) {
    return of(running, hostAddresses, Map.of(), Map.of());
  }

  /**
   * @param ports the bridge ports by ifindex, each with its veth peer's ifindex
   * @param byNetnsIfindex the running containers by the ifindex of each interface in their network
   *     namespace ({@link NetnsLinksReader}); a peer claimed by several (containers sharing one
   *     namespace) goes to the one with network endpoints of its own, or to none
   */
  static EndpointIndex of(
      Collection<ContainerInfo> running,
      Collection<IpAddress> hostAddresses,
      Map<Integer, BridgeScanner.Port> ports,
      Map<Integer, List<ContainerInfo>> byNetnsIfindex) {
    Map<IpAddress, List<Owner>> byIp = new HashMap<>();
    Map<Long, List<Owner>> byMac = new HashMap<>();
    Set<IpAddress> host = new HashSet<>(hostAddresses);
    for (ContainerInfo c : running) {
      Set<IpAddress> ips = new HashSet<>();
      for (NetworkEndpoint ep : c.networks().values()) {
        IpAddress.parse(ep.ipAddress()).ifPresent(ips::add);
      }
      for (NetworkEndpoint ep : c.networks().values()) {
        String mac = ep.macAddress().toLowerCase(Locale.ROOT);
        Optional<IpAddress> ip = IpAddress.parse(ep.ipAddress());
        ip.ifPresent(
            a -> byIp.computeIfAbsent(a, k -> new ArrayList<>(1)).add(new Owner(c, a, mac, ips)));
        parseMac(mac)
            .ifPresent(
                m ->
                    byMac
                        .computeIfAbsent(m, k -> new ArrayList<>(1))
                        .add(new Owner(c, ip.orElse(FrameFacts.NO_ADDRESS), mac, ips)));
        IpAddress.parse(ep.gateway()).ifPresent(host::add);
      }
    }
    Map<Integer, ContainerInfo> byPort = new HashMap<>();
    for (Map.Entry<Integer, BridgeScanner.Port> port : ports.entrySet()) {
      List<ContainerInfo> behind =
          byNetnsIfindex.getOrDefault(port.getValue().peerIfindex(), List.of());
      if (behind.size() > 1) {
        behind = behind.stream().filter(c -> !c.networks().isEmpty()).toList();
      }
      if (behind.size() == 1) {
        byPort.put(port.getKey(), behind.get(0)); // else its frames are judged by MAC and address
      }
    }
    return new EndpointIndex(byIp, byMac, host, byPort, 0);
  }

  /** The container behind a bridge port, when known. */
  Optional<ContainerInfo> portOwner(int ifindex) {
    return Optional.ofNullable(byPort.get(ifindex));
  }

  /**
   * The end that sent a flow's first packet, which entered the bridge by {@code ingress}: a port's
   * ifindex, {@link FlowRecord#FROM_HOST} (sent into the bridge by the host) or {@link
   * FlowRecord#UNKNOWN_INGRESS}.
   */
  Sender sender(IpAddress ip, int port, long mac, int ingress) {
    if (ingress == FlowRecord.FROM_HOST) {
      return new Sender(peer(ip, port, mac), ip); // routed or the host's own: the address speaks
    }
    ContainerInfo c = ingress > 0 ? byPort.get(ingress) : null;
    if (c == null) {
      Sender fallback = sender(ip, port, mac);
      Optional<ContainerInfo> claimed = fallback.peer().container();
      if (ingress > 0 && claimed.isPresent() && byPort.containsValue(claimed.get())) {
        // A port not known yet (a container just started) speaking as a container whose own port
        // is known: not that container. Told as an outsider that forged it, never blamed on it.
        AddressOwner owner =
            fallback
                .peer()
                .spoofed()
                .orElse(
                    new AddressOwner(
                        FlowPeer.Kind.CONTAINER,
                        fallback.peer().displayName(),
                        Optional.of(claimed.get().id()),
                        AddressOwner.FORGED_BOTH));
        return new Sender(
            new FlowPeer(
                FlowPeer.Kind.EXTERNAL,
                ip.toString(),
                port,
                FrameFacts.macText(mac),
                Optional.empty(),
                Optional.of(owner)),
            ip);
      }
      return fallback;
    }
    String macText = FrameFacts.macText(mac);
    Set<IpAddress> ips = new HashSet<>();
    Set<Long> macs = new HashSet<>();
    for (NetworkEndpoint ep : c.networks().values()) {
      IpAddress.parse(ep.ipAddress()).ifPresent(ips::add);
      parseMac(ep.macAddress().toLowerCase(Locale.ROOT)).ifPresent(macs::add);
    }
    // What the inventory does not tell (no MAC, no IPv4 address listed) is not checked.
    boolean macOk = macs.isEmpty() || macs.contains(mac);
    // Counted under an address of its own, so one rotating forged sources is still one scanner.
    IpAddress own =
        ips.isEmpty() || ips.contains(ip)
            ? ip
            : ips.stream()
                .min(Comparator.comparingLong(IpAddress::high).thenComparingLong(IpAddress::low))
                .orElseThrow();
    boolean ipOk = !ip.isV4() || ips.isEmpty() || ips.contains(ip);
    if (macOk && ipOk) {
      return new Sender(
          new FlowPeer(FlowPeer.Kind.CONTAINER, ip.toString(), port, macText, Optional.of(c)), ip);
    }
    AddressOwner owner = ipOk ? macOwner(mac, macText) : addressOwner(ip);
    String forged =
        macOk
            ? AddressOwner.FORGED_ADDRESS
            : ipOk ? AddressOwner.FORGED_MAC : AddressOwner.FORGED_BOTH;
    FlowPeer spoofer =
        new FlowPeer(
            FlowPeer.Kind.CONTAINER,
            ip.toString(),
            port,
            macText,
            Optional.of(c),
            Optional.of(owner.withForged(forged)));
    return new Sender(spoofer, own);
  }

  /** Whom a MAC belongs to: a container's endpoint, or no one Docker knows (named by the MAC). */
  private AddressOwner macOwner(long mac, String macText) {
    List<Owner> owners = byMac.get(mac);
    if (owners != null && !owners.isEmpty()) {
      ContainerInfo c = owners.get(0).container();
      return new AddressOwner(
          FlowPeer.Kind.CONTAINER, c.name().isEmpty() ? macText : c.name(), Optional.of(c.id()));
    }
    return new AddressOwner(FlowPeer.Kind.EXTERNAL, macText, Optional.empty());
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

  /** The end that sent a flow's first packet from {@code ip} with source MAC {@code mac}. */
  Sender sender(IpAddress ip, int port, long mac) {
    List<Owner> macOwners = byMac.get(mac);
    if (macOwners != null) {
      for (Owner o : macOwners) {
        if (o.containerIps().contains(ip)) {
          return new Sender(containerPeer(o, ip, port), ip); // the honest case: its own address
        }
      }
      Owner o = macOwners.get(0);
      boolean oneContainer =
          macOwners.stream().allMatch(x -> x.container().id().equals(o.container().id()));
      if (oneContainer) {
        IpAddress identity = o.ip().equals(FrameFacts.NO_ADDRESS) ? ip : o.ip();
        if (!ip.isV4()) {
          return new Sender(containerPeer(o, ip, port), identity);
        }
        FlowPeer spoofer =
            new FlowPeer(
                FlowPeer.Kind.CONTAINER,
                ip.toString(),
                port,
                o.mac(),
                Optional.of(o.container()),
                Optional.of(addressOwner(ip)));
        return new Sender(spoofer, identity);
      }
      // One MAC on endpoints of several containers (a stale inventory): the address decides.
    }
    return new Sender(peer(ip, port, mac), ip);
  }

  long ambiguous() {
    return ambiguous;
  }

  private static FlowPeer containerPeer(Owner o, IpAddress ip, int port) {
    return new FlowPeer(
        FlowPeer.Kind.CONTAINER, ip.toString(), port, o.mac(), Optional.of(o.container()));
  }

  /** Whom an address belongs to, by the address alone. */
  private AddressOwner addressOwner(IpAddress ip) {
    List<Owner> owners = containers.get(ip);
    if (owners != null && !owners.isEmpty()) {
      ContainerInfo c = owners.get(0).container();
      return new AddressOwner(
          FlowPeer.Kind.CONTAINER,
          c.name().isEmpty() ? ip.toString() : c.name(),
          Optional.of(c.id()));
    }
    if (host.contains(ip)) {
      return new AddressOwner(FlowPeer.Kind.HOST, "host", Optional.empty());
    }
    return new AddressOwner(FlowPeer.Kind.EXTERNAL, ip.toString(), Optional.empty());
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

  /** {@code 02:42:ac:11:00:03} as the 48-bit number frames carry; empty for anything else. */
  static Optional<Long> parseMac(String text) {
    if (text.length() != 17) {
      return Optional.empty();
    }
    long v = 0;
    for (int i = 0; i < 6; i++) {
      int hi = Character.digit(text.charAt(3 * i), 16);
      int lo = Character.digit(text.charAt(3 * i + 1), 16);
      if (hi < 0 || lo < 0 || (i < 5 && text.charAt(3 * i + 2) != ':')) {
        return Optional.empty();
      }
      v = (v << 8) | (hi << 4) | lo;
    }
    return Optional.of(v);
  }
}

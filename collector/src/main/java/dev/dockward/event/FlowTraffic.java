package dev.dockward.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What was counted of a flow so far ("out": from its source, "in": back to it).
 *
 * @param state {@code start}, {@code update} or {@code end}
 * @param endReason for an end: {@code idle}, {@code closed}, {@code evicted} or {@code stopped}
 * @param iface the bridge it was captured on
 * @param protocol {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6} or the protocol number
 * @param tcpFlagsOut TCP flags the source sent, e.g. {@code [syn, ack]}
 * @param tcpFlagsIn TCP flags sent back
 */
public record FlowTraffic(
    String state,
    Optional<String> endReason,
    String iface,
    String protocol,
    long packetsOut,
    long bytesOut,
    long packetsIn,
    long bytesIn,
    List<String> tcpFlagsOut,
    List<String> tcpFlagsIn,
    Instant firstSeen,
    Instant lastSeen) {
  public FlowTraffic {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(endReason, "endReason");
    Objects.requireNonNull(iface, "iface");
    Objects.requireNonNull(protocol, "protocol");
    tcpFlagsOut = List.copyOf(tcpFlagsOut);
    tcpFlagsIn = List.copyOf(tcpFlagsIn);
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}

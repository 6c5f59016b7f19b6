package dev.dockward.net;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the flow table reports about one conversation: at its start, periodically while it lasts,
 * and at its end. "Source" is the end that sent the first packet seen (the client, for TCP when the
 * handshake was seen); counters are cumulative since the start.
 *
 * @param state start, update or end
 * @param endReason why it ended, for {@link State#END}
 * @param iface the bridge the first packet was captured on
 * @param protocol the IP protocol number
 * @param src the initiator's address
 * @param srcPort its port, -1 without ports
 * @param dst the responder's address
 * @param dstPort its port, -1 without ports
 * @param srcMac the initiator's MAC as first seen
 * @param dstMac the responder's MAC as first seen (the gateway's for routed traffic)
 * @param packetsOut packets from source to destination
 * @param bytesOut bytes (wire length) from source to destination
 * @param packetsIn packets back
 * @param bytesIn bytes back
 * @param tcpFlagsOut union of TCP flags sent by the source
 * @param tcpFlagsIn union of TCP flags sent back
 * @param firstSeen the first packet's capture time
 * @param lastSeen the last packet's capture time
 * @param srcIngress where the initiator's first packet entered the bridge: the ifindex of a bridge
 *     port, {@link #FROM_HOST} (the host sent it into the bridge), or {@link #UNKNOWN_INGRESS} (the
 *     first packet seen was the responder's, or it was captured without that fact)
 */
public record FlowRecord(
    State state,
    Optional<EndReason> endReason,
    String iface,
    int protocol,
    IpAddress src,
    int srcPort,
    IpAddress dst,
    int dstPort,
    long srcMac,
    long dstMac,
    long packetsOut,
    long bytesOut,
    long packetsIn,
    long bytesIn,
    int tcpFlagsOut,
    int tcpFlagsIn,
    Instant firstSeen,
    Instant lastSeen,
    int srcIngress) {
  /** A frame the host sent into the bridge (its own or routed from elsewhere). */
  public static final int FROM_HOST = 0;

  /** A frame whose bridge port is not known. */
  public static final int UNKNOWN_INGRESS = -1;

  /** Where in its life a flow is reported. */
  public enum State {
    START,
    UPDATE,
    END;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a flow ended. */
  public enum EndReason {
    /** No packet for the idle timeout. */
    IDLE,
    /** TCP RST, or FIN both ways, then a short quiet time. */
    CLOSED,
    /** The table was full and this was the flow seen least recently. */
    EVICTED,
    /** The capture stopped (agent shutdown, bridge gone). */
    STOPPED;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FlowRecord {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(endReason, "endReason");
    Objects.requireNonNull(iface, "iface");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }

  /** A record without the initiator's bridge port ({@link #UNKNOWN_INGRESS}). */
  public FlowRecord(
      State state,
      Optional<EndReason> endReason,
      String iface,
      int protocol,
      IpAddress src,
      int srcPort,
      IpAddress dst,
      int dstPort,
      long srcMac,
      long dstMac,
      long packetsOut,
      long bytesOut,
      long packetsIn,
      long bytesIn,
      int tcpFlagsOut,
      int tcpFlagsIn,
      Instant firstSeen,
      Instant lastSeen) {
    this(
        state,
        endReason,
        iface,
        protocol,
        src,
        srcPort,
        dst,
        dstPort,
        srcMac,
        dstMac,
        packetsOut,
        bytesOut,
        packetsIn,
        bytesIn,
        tcpFlagsOut,
        tcpFlagsIn,
        firstSeen,
        lastSeen,
        UNKNOWN_INGRESS);
  }

  /** The protocol's usual name, or its number. */
  public String protocolName() {
    return switch (protocol) {
      case FrameFacts.TCP -> "tcp";
      case FrameFacts.UDP -> "udp";
      case FrameFacts.ICMP -> "icmp";
      case FrameFacts.ICMPV6 -> "icmpv6";
      default -> Integer.toString(protocol);
    };
  }

  /** TCP flag names, e.g. {@code [syn, ack, fin]}. */
  public static List<String> flagNames(int flags) {
    String[] names = {"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if ((flags & (1 << i)) != 0) {
        out.add(names[i]);
      }
    }
    return out;
  }
}

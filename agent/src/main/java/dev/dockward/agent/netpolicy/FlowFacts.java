package dev.dockward.agent.netpolicy;

import dev.dockward.event.FlowObserved;
import dev.dockward.event.FlowPeer;
import java.util.Objects;
import java.util.Optional;

/**
 * What the judgement of a flow reads: the facts the collector reported, from a live event or a
 * journalled record.
 *
 * @param id the flow's 5-tuple as text: its updates and end repeat the verdict of its start
 * @param state {@code start}, {@code update} or {@code end}
 * @param src the source's container, when the source is one
 * @param dst the destination's container, when it is one
 * @param edge the edge, e.g. {@code web>db tcp/5432}
 * @param sender the address the sender is counted under for scans
 * @param dstAddress the destination address
 * @param dstPort the destination port, -1 without ports
 * @param protocol {@code tcp}, {@code udp} …
 * @param spoofed whether the source wrote an address or MAC not its own
 */
record FlowFacts(
    FlowId id,
    String state,
    Optional<PolicyPeer> src,
    Optional<PolicyPeer> dst,
    String edge,
    String sender,
    String dstAddress,
    int dstPort,
    String protocol,
    long firstSeenMillis,
    long lastSeenMillis,
    boolean spoofed) {
  /** A flow's identity: both ends' addresses and ports, and the protocol. */
  record FlowId(String src, int srcPort, String dst, int dstPort, String protocol) {}

  FlowFacts {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(edge, "edge");
    Objects.requireNonNull(sender, "sender");
  }

  boolean start() {
    return "start".equals(state);
  }

  boolean end() {
    return "end".equals(state);
  }

  static FlowFacts of(FlowObserved f) {
    FlowPeer s = f.src();
    FlowPeer d = f.dst();
    return new FlowFacts(
        new FlowId(s.ip(), s.port(), d.ip(), d.port(), f.traffic().protocol()),
        f.traffic().state(),
        s.container().map(PolicyPeer::of),
        d.container().map(PolicyPeer::of),
        f.edge(),
        f.senderAddress(),
        d.ip(),
        d.port(),
        f.traffic().protocol(),
        f.traffic().firstSeen().toEpochMilli(),
        f.traffic().lastSeen().toEpochMilli(),
        s.spoofed().isPresent());
  }
}

package dev.dockward.net;

import dev.dockward.event.FlowObserved;
import dev.dockward.event.FlowPeer;
import dev.dockward.event.FlowTraffic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the flow table's reports into {@code flow} events, facts only: resolves both ends when a
 * flow starts (the source by the bridge port its first packet entered by, else by its MAC: a
 * container writing a MAC or an address not its own is the sender, and the flow says so), and
 * repeats them on the flow's updates and its end (so an address reused by another container later
 * does not rename a flow in flight). The verdict is not its business: the agent judges the events.
 */
final class FlowResolver {
  /** A flow's ends as resolved at its start, and the address its sender is counted under. */
  private record Resolved(FlowPeer src, FlowPeer dst, String sender) {}

  private record FlowId(IpAddress src, int srcPort, IpAddress dst, int dstPort, int protocol) {
    static FlowId of(FlowRecord r) {
      return new FlowId(r.src(), r.srcPort(), r.dst(), r.dstPort(), r.protocol());
    }
  }

  private final Map<FlowId, Resolved> open = new HashMap<>();
  private EndpointIndex index = EndpointIndex.EMPTY;
  private long ambiguousBefore;
  private long spoofed;

  void useIndex(EndpointIndex index) {
    ambiguousBefore +=
        this.index.ambiguous(); // the count lives in each index: keep it across rebuilds
    this.index = index;
  }

  /** Ends no container could be told for, over every index used so far. */
  long ambiguous() {
    return ambiguousBefore + index.ambiguous();
  }

  EndpointIndex index() {
    return index;
  }

  /** The flow's event, without a verdict. */
  FlowObserved event(FlowRecord r, Instant now) {
    FlowId id = FlowId.of(r);
    boolean start = r.state() == FlowRecord.State.START;
    Resolved resolved = start ? null : open.get(id);
    if (resolved == null) {
      resolved = resolve(r);
      if (start && resolved.src().spoofed().isPresent()) {
        spoofed++;
      }
    }
    if (r.state() == FlowRecord.State.END) {
      open.remove(id);
    } else {
      open.put(id, resolved);
    }
    return event(r, resolved, now);
  }

  /**
   * A flow the table found established, as its ends were resolved at its start; empty when it is
   * not open here. Not an event: learning's signal.
   */
  Optional<FlowObserved> established(FlowRecord r, Instant now) {
    Resolved resolved = open.get(FlowId.of(r));
    return resolved == null ? Optional.empty() : Optional.of(event(r, resolved, now));
  }

  int openFlows() {
    return open.size();
  }

  /** Flows whose source wrote an address that is not the sender's own. */
  long spoofed() {
    return spoofed;
  }

  private Resolved resolve(FlowRecord r) {
    EndpointIndex.Sender sender = index.sender(r.src(), r.srcPort(), r.srcMac(), r.srcIngress());
    return new Resolved(
        sender.peer(), index.peer(r.dst(), r.dstPort(), r.dstMac()), sender.identity().toString());
  }

  private static FlowObserved event(FlowRecord r, Resolved resolved, Instant now) {
    FlowTraffic traffic =
        new FlowTraffic(
            r.state().text(),
            r.endReason().map(FlowRecord.EndReason::text),
            r.iface(),
            r.protocolName(),
            r.packetsOut(),
            r.bytesOut(),
            r.packetsIn(),
            r.bytesIn(),
            FlowRecord.flagNames(r.tcpFlagsOut()),
            FlowRecord.flagNames(r.tcpFlagsIn()),
            r.firstSeen(),
            r.lastSeen());
    return new FlowObserved(
        now, traffic, resolved.src(), resolved.dst(), resolved.sender(), Optional.empty());
  }
}

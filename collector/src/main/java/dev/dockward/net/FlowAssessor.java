package dev.dockward.net;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowAssessment;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.FlowPeer;
import dev.dockward.event.FlowTraffic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the flow table's reports into {@code flow} events: resolves both ends when a flow starts,
 * judges the edge against the policy and the learned edges, counts the source's scan figures, and
 * repeats that verdict on the flow's updates and its end (so an address reused by another
 * container later does not rename a flow in flight).
 */
final class FlowAssessor {
  /** Policy verdicts, as the contract spells them. */
  static final String ALLOWED = "allowed";
  static final String LEARNED = "learned";
  static final String LEARNING = "learning";
  static final String UNEXPECTED = "unexpected";
  static final String UNCHECKED = "unchecked";

  private record Judged(FlowPeer src, FlowPeer dst, FlowAssessment assessment) { }

  private record FlowId(IpAddress src, int srcPort, IpAddress dst, int dstPort, int protocol) {
    static FlowId of(FlowRecord r) {
      return new FlowId(r.src(), r.srcPort(), r.dst(), r.dstPort(), r.protocol());
    }
  }

  // Replaced on SIGHUP from another thread; each verdict reads it once.
  private volatile EdgePolicy policy;
  private final Optional<LearnedEdges> learned;
  private final ScanCounter scans;
  private final Map<FlowId, Judged> open = new HashMap<>();
  private EndpointIndex index = EndpointIndex.EMPTY;

  FlowAssessor(EdgePolicy policy, Optional<LearnedEdges> learned, ScanCounter scans) {
    this.policy = policy;
    this.learned = learned;
    this.scans = scans;
  }

  void useIndex(EndpointIndex index) {
    this.index = index;
  }

  EndpointIndex index() {
    return index;
  }

  FlowObserved event(FlowRecord r, Instant now) {
    FlowId id = FlowId.of(r);
    Judged judged = r.state() == FlowRecord.State.START ? null : open.get(id);
    if (judged == null) {
      judged = judge(r, now);
    }
    if (r.state() == FlowRecord.State.END) {
      open.remove(id);
    } else {
      open.put(id, judged);
    }
    FlowTraffic traffic = new FlowTraffic(r.state().text(), r.endReason().map(FlowRecord.EndReason::text), r.iface(),
        r.protocolName(), r.packetsOut(), r.bytesOut(), r.packetsIn(), r.bytesIn(),
        FlowRecord.flagNames(r.tcpFlagsOut()), FlowRecord.flagNames(r.tcpFlagsIn()), r.firstSeen(), r.lastSeen());
    return new FlowObserved(now, traffic, judged.src(), judged.dst(), judged.assessment());
  }

  /** Forgets scan windows with nothing left in them. */
  void sweep(long nowMillis) {
    scans.sweep(nowMillis);
  }

  int openFlows() {
    return open.size();
  }

  private Judged judge(FlowRecord r, Instant now) {
    FlowPeer src = index.peer(r.src(), r.srcPort(), r.srcMac());
    FlowPeer dst = index.peer(r.dst(), r.dstPort(), r.dstMac());
    String edge = src.displayName() + ">" + dst.displayName() + " " + r.protocolName()
        + (r.dstPort() >= 0 ? "/" + r.dstPort() : "");
    String verdict = verdict(src, dst, r.protocolName(), r.dstPort(), edge, now);
    ScanCounter.Counts counts = r.state() == FlowRecord.State.START
        ? scans.started(r.src(), r.dst(), r.dstPort(), r.firstSeen().toEpochMilli())
        : new ScanCounter.Counts(0, 0);
    return new Judged(src, dst, new FlowAssessment(verdict, edge, scans.windowSeconds(), counts.ports(), counts.hosts()));
  }

  /** A new policy for the flows that start from now on; flows under way keep their verdict. */
  void replacePolicy(EdgePolicy next) {
    policy = java.util.Objects.requireNonNull(next, "policy");
  }

  private String verdict(FlowPeer src, FlowPeer dst, String protocol, int port, String edge, Instant now) {
    EdgePolicy policy = this.policy;
    if (src.container().isEmpty() || dst.container().isEmpty()) {
      return UNCHECKED;
    }
    ContainerInfo from = src.container().get();
    ContainerInfo to = dst.container().get();
    if (policy.allows(from, to, protocol, port)) {
      return ALLOWED;
    }
    if (learned.isPresent()) {
      LearnedEdges l = learned.get();
      if (l.learning(now)) {
        l.learn(edge);
        return LEARNING;
      }
      return l.known(edge) ? LEARNED : UNEXPECTED;
    }
    if (policy == EdgePolicy.NONE) {
      return UNCHECKED;
    }
    return policy.defaultAction() == EdgePolicy.Action.ALERT ? UNEXPECTED : ALLOWED;
  }
}

package dev.dockward.net;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowAssessment;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.FlowPeer;
import dev.dockward.event.FlowTraffic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the flow table's reports into {@code flow} events: resolves both ends when a flow starts
 * (the source by the bridge port its first packet entered by, else by its MAC: a container writing
 * a MAC or an address not its own is the sender, and the flow says so), judges the edge against the policy and the learned edges, counts the
 * source's scan figures, and repeats that verdict on the flow's updates and its end (so an address
 * reused by another container later does not rename a flow in flight).
 *
 * <p>While learning, an edge is learned only when its flow is established (see
 * {@link FlowTable.Listener#established}), its source is not spoofed, and its sender was not
 * scanning when it started (its scan counts below {@code scanThreshold}); a sender that reaches
 * the threshold has the edges it taught within the scan window taken back.
 */
final class FlowAssessor {
  /** Policy verdicts, as the contract spells them. */
  static final String ALLOWED = "allowed";
  static final String LEARNED = "learned";
  static final String LEARNING = "learning";
  static final String UNEXPECTED = "unexpected";
  static final String UNCHECKED = "unchecked";

  /** The scan counts at which learning takes a sender for a scanner, as the bundled scan rule does. */
  static final int SCAN_THRESHOLD = 30;

  /** A flow's verdict; {@code learnable} until its edge was learned (or is known not to be). */
  private record Judged(FlowPeer src, FlowPeer dst, FlowAssessment assessment, IpAddress sender, boolean learnable) {
    Judged learnt() {
      return new Judged(src, dst, assessment, sender, false);
    }
  }

  private record FlowId(IpAddress src, int srcPort, IpAddress dst, int dstPort, int protocol) {
    static FlowId of(FlowRecord r) {
      return new FlowId(r.src(), r.srcPort(), r.dst(), r.dstPort(), r.protocol());
    }
  }

  // Replaced on SIGHUP from another thread; each verdict reads it once.
  private volatile EdgePolicy policy;
  private final Optional<LearnedEdges> learned;
  private final ScanCounter scans;
  private final int scanThreshold;
  private final Map<FlowId, Judged> open = new HashMap<>();
  private EndpointIndex index = EndpointIndex.EMPTY;
  private long ambiguousBefore;
  private long spoofed;
  private long scanNotLearned;

  FlowAssessor(EdgePolicy policy, Optional<LearnedEdges> learned, ScanCounter scans) {
    this(policy, learned, scans, SCAN_THRESHOLD);
  }

  FlowAssessor(EdgePolicy policy, Optional<LearnedEdges> learned, ScanCounter scans, int scanThreshold) {
    this.policy = policy;
    this.learned = learned;
    this.scans = scans;
    this.scanThreshold = scanThreshold;
  }

  void useIndex(EndpointIndex index) {
    ambiguousBefore += this.index.ambiguous(); // the count lives in each index: keep it across rebuilds
    this.index = index;
  }

  /** Ends no container could be told for, over every index used so far. */
  long ambiguous() {
    return ambiguousBefore + index.ambiguous();
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

  /**
   * A flow the table found established: while it was started in learning, its edge is learned now
   * (within the learned set's limits). Emits nothing.
   */
  void established(FlowRecord r) {
    FlowId id = FlowId.of(r);
    Judged judged = open.get(id);
    if (judged == null || !judged.learnable() || learned.isEmpty()) {
      return;
    }
    learned.get().learn(judged.sender(), judged.assessment().edge(), r.lastSeen().toEpochMilli());
    open.put(id, judged.learnt());
  }

  /** Forgets scan windows with nothing left in them, and learned edges too old to take back. */
  void sweep(long nowMillis) {
    scans.sweep(nowMillis);
    learned.ifPresent(l -> l.prune(nowMillis - scans.windowSeconds() * 1000));
  }

  int openFlows() {
    return open.size();
  }

  /** Flows whose source wrote an address that is not the sender's own. */
  long spoofed() {
    return spoofed;
  }

  /** Flows started in learning by a sender that was scanning: not learned. */
  long scanNotLearned() {
    return scanNotLearned;
  }

  private Judged judge(FlowRecord r, Instant now) {
    EndpointIndex.Sender sender = index.sender(r.src(), r.srcPort(), r.srcMac(), r.srcIngress());
    FlowPeer src = sender.peer();
    FlowPeer dst = index.peer(r.dst(), r.dstPort(), r.dstMac());
    String edge = edge(src, dst, r.protocolName(), r.dstPort());
    String verdict = verdict(src, dst, r.protocolName(), r.dstPort(), now);
    boolean start = r.state() == FlowRecord.State.START;
    ScanCounter.Counts counts = start
        ? scans.started(sender.identity(), r.dst(), r.dstPort(), r.firstSeen().toEpochMilli())
        : new ScanCounter.Counts(0, 0);
    boolean scanning = counts.ports() >= scanThreshold || counts.hosts() >= scanThreshold;
    if (start && src.spoofed().isPresent()) {
      spoofed++;
    }
    boolean learnable = start && LEARNING.equals(verdict) && src.spoofed().isEmpty();
    if (start && scanning && LEARNING.equals(verdict)) {
      // A scan during learning is learned as nothing: not this flow, nor what the sender taught lately.
      learned.orElseThrow().revokeSince(sender.identity(), r.firstSeen().toEpochMilli() - scans.windowSeconds() * 1000);
      if (learnable) {
        scanNotLearned++;
        learnable = false;
      }
    }
    return new Judged(src, dst, new FlowAssessment(verdict, edge, scans.windowSeconds(), counts.ports(), counts.hosts()),
        sender.identity(), learnable);
  }

  /** A new policy for the flows that start from now on; flows under way keep their verdict. */
  void replacePolicy(EdgePolicy next) {
    policy = Objects.requireNonNull(next, "policy");
  }

  private static String edge(FlowPeer src, FlowPeer dst, String protocol, int port) {
    return src.displayName() + ">" + dst.displayName() + " " + protocol + (port >= 0 ? "/" + port : "");
  }

  private String verdict(FlowPeer src, FlowPeer dst, String protocol, int port, Instant now) {
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
        return LEARNING; // learned once the flow is established
      }
      return l.known(edge(src, dst, protocol, port)) ? LEARNED : UNEXPECTED;
    }
    if (policy == EdgePolicy.NONE) {
      return UNCHECKED;
    }
    return policy.defaultAction() == EdgePolicy.Action.ALERT ? UNEXPECTED : ALLOWED;
  }
}

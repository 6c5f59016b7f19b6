package dev.dockward.agent.netpolicy;

import dev.dockward.event.FlowAssessment;
import dev.dockward.event.FlowObserved;
import dev.dockward.net.FlowJudgement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The network policy stage: judges each flow from its facts against the policy and the learned
 * edges, counts its sender's scan figures, and repeats that verdict on the flow's updates and its
 * end. Live, the network source hands it every flow on the capture thread before delivering it; a
 * replay hands it the journalled flows ({@link RecordedFlows}) to judge them under another policy.
 *
 * <p>While learning, an edge is learned only when its flow is established (see {@link
 * FlowJudgement#established}), its source is not spoofed, and its sender was not scanning when it
 * started (its scan counts below {@code scanThreshold}); a sender that reaches the threshold has
 * the edges it taught within the scan window taken back.
 */
public final class FlowJudge implements FlowJudgement {
  /** Policy verdicts, as the contract spells them. */
  static final String ALLOWED = "allowed";

  static final String LEARNED = "learned";
  static final String LEARNING = "learning";
  static final String UNEXPECTED = "unexpected";
  static final String UNCHECKED = "unchecked";

  /**
   * The scan counts at which learning takes a sender for a scanner, as the bundled scan rule does.
   */
  public static final int SCAN_THRESHOLD = 30;

  /** Senders whose scan window is kept, and starts kept per sender. */
  static final int SCAN_SOURCES = 4_096;

  static final int SCAN_STARTS_PER_SOURCE = 4_096;

  /**
   * Verdicts of open flows kept: far above the flow table's default bound (65,536); past it the
   * flow seen least recently is forgotten and its next report judged afresh (a journal replayed
   * with starts whose ends were never recorded must not grow it without end).
   */
  static final int OPEN_FLOWS = 1 << 20;

  /** The learned edges are saved at most this often, by their own thread. */
  private static final Duration LEARNED_SAVE_INTERVAL = Duration.ofSeconds(2);

  /**
   * Learn edges for {@code period}, keeping them in {@code file}.
   *
   * @param maxEdges the learned set's size; edges beyond it are not learned (counted)
   * @param maxPortsPerPair service ports learned per pair of containers and protocol (counted
   *     beyond)
   * @param scanThreshold distinct ports or hosts within the scan window at which a sender's flows
   *     are a scan, not learned (and what it taught within the window is taken back)
   */
  public record Learning(
      Duration period, Path file, int maxEdges, int maxPortsPerPair, int scanThreshold) {
    public Learning {
      Objects.requireNonNull(period, "period");
      Objects.requireNonNull(file, "file");
      if (maxEdges < 1 || maxPortsPerPair < 1 || scanThreshold < 1) {
        throw new IllegalArgumentException("learning limits must be at least 1");
      }
    }

    /** With the default limits: 10,000 edges, 16 ports per pair, a scan at 30. */
    public Learning(Duration period, Path file) {
      this(
          period,
          file,
          LearnedEdges.Limits.DEFAULT.maxEdges(),
          LearnedEdges.Limits.DEFAULT.maxPortsPerPair(),
          SCAN_THRESHOLD);
    }
  }

  /** A flow's verdict; {@code learnable} until its edge was learned (or is known not to be). */
  private record Judged(FlowAssessment assessment, String sender, boolean learnable) {
    Judged learnt() {
      return new Judged(assessment, sender, false);
    }
  }

  // Replaced on SIGHUP from another thread; each verdict reads it once.
  private volatile EdgePolicy policy;
  private final Optional<LearnedEdges> learned;
  private final ScanCounter scans;
  private final int scanThreshold;
  private final LinkedHashMap<FlowFacts.FlowId, Judged> open = new LinkedHashMap<>(16, 0.75f, true);
  private long scanNotLearned;
  private long openForgotten;

  FlowJudge(EdgePolicy policy, Optional<LearnedEdges> learned, ScanCounter scans) {
    this(policy, learned, scans, SCAN_THRESHOLD);
  }

  FlowJudge(
      EdgePolicy policy, Optional<LearnedEdges> learned, ScanCounter scans, int scanThreshold) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.learned = learned;
    this.scans = scans;
    this.scanThreshold = scanThreshold;
  }

  /**
   * The live stage: the policy, the scan window and, when on, learning (its file read now, or
   * learning started at {@code now} when there is none).
   */
  public static FlowJudge open(
      EdgePolicy policy, Duration scanWindow, Optional<Learning> learning, Instant now) {
    Optional<LearnedEdges> learned =
        learning.map(
            l ->
                LearnedEdges.open(
                    l.file(),
                    l.period(),
                    now,
                    new LearnedEdges.Limits(l.maxEdges(), l.maxPortsPerPair())));
    return new FlowJudge(
        policy,
        learned,
        new ScanCounter(scanWindow, SCAN_SOURCES, SCAN_STARTS_PER_SOURCE),
        learning.map(Learning::scanThreshold).orElse(SCAN_THRESHOLD));
  }

  /**
   * A replay's stage: the policy and the scan window, no learning (what was learned is not
   * replayed).
   */
  public static FlowJudge replaying(EdgePolicy policy, Duration scanWindow) {
    return new FlowJudge(
        policy,
        Optional.empty(),
        new ScanCounter(scanWindow, SCAN_SOURCES, SCAN_STARTS_PER_SOURCE));
  }

  @Override
  public FlowObserved judge(FlowObserved flow, Instant now) {
    return flow.withAssessment(assess(FlowFacts.of(flow), now));
  }

  @Override
  public boolean learns() {
    return learned.isPresent();
  }

  /**
   * A flow the table found established: while it was started in learning, its edge is learned now
   * (within the learned set's limits).
   */
  @Override
  public void established(FlowObserved flow) {
    established(FlowFacts.of(flow));
  }

  /** A new policy for the flows that start from now on; flows under way keep their verdict. */
  public void replacePolicy(EdgePolicy next) {
    policy = Objects.requireNonNull(next, "policy");
  }

  /** Forgets scan windows with nothing left in them, and learned edges too old to take back. */
  @Override
  public void sweep(long nowMillis) {
    scans.sweep(nowMillis);
    learned.ifPresent(l -> l.prune(nowMillis - scans.windowSeconds() * 1000));
  }

  /**
   * The learning counts when learning is on, and the verdicts of open flows forgotten at the bound.
   */
  @Override
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    learned.ifPresent(
        l -> {
          m.put("learned_edges", l.added()); // the set holds learned_edges - learned_edges_revoked
          m.put("learned_edges_saves", l.saves());
          m.put("learned_edges_save_failures", l.saveFailures());
          m.put("learned_edges_capped", l.edgesCapped());
          m.put("learned_ports_capped", l.portsCapped());
          m.put("learned_edges_revoked", l.revoked());
          m.put("learning_scan_flows", scanNotLearned);
        });
    m.put("flow_verdicts_forgotten", openForgotten);
    return m;
  }

  @Override
  public void start() {
    learned.ifPresent(l -> l.startWriter(LEARNED_SAVE_INTERVAL));
  }

  /** Stops the learned edges' writer and saves what it has not saved yet. */
  @Override
  public void close() {
    learned.ifPresent(LearnedEdges::close);
  }

  /** The verdict of a flow: its start's, judged now for a start (or a flow not seen starting). */
  FlowAssessment assess(FlowFacts f, Instant now) {
    Judged judged = f.start() ? null : open.get(f.id());
    if (judged == null) {
      judged = judge(f, now);
    }
    if (f.end()) {
      open.remove(f.id());
    } else {
      open.put(f.id(), judged);
      if (open.size() > OPEN_FLOWS) {
        Iterator<FlowFacts.FlowId> eldest = open.keySet().iterator();
        eldest.next();
        eldest.remove();
        openForgotten++;
      }
    }
    return judged.assessment();
  }

  void established(FlowFacts f) {
    Judged judged = open.get(f.id());
    if (judged == null || !judged.learnable() || learned.isEmpty()) {
      return;
    }
    learned.get().learn(judged.sender(), judged.assessment().edge(), f.lastSeenMillis());
    open.put(f.id(), judged.learnt());
  }

  int openFlows() {
    return open.size();
  }

  /** Flows started in learning by a sender that was scanning: not learned. */
  long scanNotLearned() {
    return scanNotLearned;
  }

  private Judged judge(FlowFacts f, Instant now) {
    String verdict = verdict(f, now);
    boolean start = f.start();
    ScanCounter.Counts counts =
        start
            ? scans.started(f.sender(), f.dstAddress(), f.dstPort(), f.firstSeenMillis())
            : new ScanCounter.Counts(0, 0);
    boolean scanning = counts.ports() >= scanThreshold || counts.hosts() >= scanThreshold;
    boolean learnable = start && LEARNING.equals(verdict) && !f.spoofed();
    if (start && scanning && LEARNING.equals(verdict)) {
      // A scan during learning is learned as nothing: not this flow, nor what the sender taught
      // lately.
      learned
          .orElseThrow()
          .revokeSince(f.sender(), f.firstSeenMillis() - scans.windowSeconds() * 1000);
      if (learnable) {
        scanNotLearned++;
        learnable = false;
      }
    }
    return new Judged(
        new FlowAssessment(
            verdict, f.edge(), scans.windowSeconds(), counts.ports(), counts.hosts()),
        f.sender(),
        learnable);
  }

  private String verdict(FlowFacts f, Instant now) {
    EdgePolicy policy = this.policy;
    if (f.src().isEmpty() || f.dst().isEmpty()) {
      return UNCHECKED;
    }
    if (policy.allows(f.src().get(), f.dst().get(), f.protocol(), f.dstPort())) {
      return ALLOWED;
    }
    if (learned.isPresent()) {
      LearnedEdges l = learned.get();
      if (l.learning(now)) {
        return LEARNING; // learned once the flow is established
      }
      return l.known(f.edge()) ? LEARNED : UNEXPECTED;
    }
    if (policy == EdgePolicy.NONE) {
      return UNCHECKED;
    }
    return policy.defaultAction() == EdgePolicy.Action.ALERT ? UNEXPECTED : ALLOWED;
  }
}

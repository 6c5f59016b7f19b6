package dev.dockward.posture;

import dev.dockward.event.PostureFinding;
import dev.dockward.event.PostureFindingChanged;
import dev.dockward.event.PostureFindingChanged.State;
import dev.dockward.source.EventSink;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits the host's posture at start, every {@code interval}, and soon after each {@link
 * #requestAudit request} (a relevant Docker event), keeps the findings that are open, and emits a
 * {@code posture_finding} event with state {@code open} when a finding appears and {@code resolved}
 * when it goes away. An audit that finds what the previous one found emits nothing. A finding is
 * the same finding while its {@link PostureFinding#key()} is.
 */
public final class PostureSource implements SupervisedSource {
  private static final Logger log = LoggerFactory.getLogger(PostureSource.class);

  /**
   * How long a requested audit waits, so that a burst of events (a compose up) gives one audit. It
   * also starts no sooner than {@link #GAP_SETTLES} settle times after the previous audit began, so
   * that a host whose containers churn is not audited without pause (an audit reads every dockerd's
   * fds and inspects every container).
   */
  static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);

  static final int GAP_SETTLES = 5;

  private final Supplier<List<PostureFinding>> audit;
  private final Duration interval;
  private final Clock clock;
  private final Duration settle;

  /** At most one pending request: a second one while one waits adds nothing. */
  private final BlockingQueue<String> requests = new ArrayBlockingQueue<>(1);

  private final CountDownLatch stop = new CountDownLatch(1);
  private final Map<String, PostureFinding> open = new LinkedHashMap<>();
  private final LongAdder audits = new LongAdder();
  private final LongAdder auditFailures = new LongAdder();
  private final LongAdder requestedAudits = new LongAdder();
  private volatile SupervisedThread thread;
  private long lastAuditStart = System.nanoTime();

  /**
   * @param audit one audit of the host (normally {@link PostureAudit#run})
   * @param interval the time between the end of one audit and the start of the next
   */
  public PostureSource(Supplier<List<PostureFinding>> audit, Duration interval, Clock clock) {
    this(audit, interval, DEFAULT_SETTLE, clock);
  }

  /**
   * @param settle how long a requested audit waits for more events before it runs
   */
  public PostureSource(
      Supplier<List<PostureFinding>> audit, Duration interval, Duration settle, Clock clock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("posture interval must be more than 0: " + interval);
    }
    this.audit = audit;
    this.interval = interval;
    this.settle = settle;
    this.clock = clock;
  }

  /**
   * Asks for an audit soon (after the settle time) rather than at the next interval. Never blocks:
   * called from the Docker event thread.
   */
  public void requestAudit(String reason) {
    if (requests.offer(reason)) {
      log.debug("posture audit requested: {}", reason);
    }
  }

  @Override
  public String name() {
    return "posture";
  }

  @Override
  public void start(EventSink sink) {
    SupervisedThread t = new SupervisedThread("dockward-posture", () -> run(sink));
    thread = t;
    t.start();
  }

  @Override
  public Map<String, Long> counters() {
    return Map.of("audit_failures", auditFailures.sum(), "requested_audits", requestedAudits.sum());
  }

  /** Audits completed so far. */
  public long audits() {
    return audits.sum();
  }

  private void run(EventSink sink) {
    try {
      do {
        try {
          lastAuditStart = System.nanoTime();
          auditOnce(sink);
        } catch (RuntimeException e) {
          // A bug or an unexpected host: keep the open set and try again next interval.
          auditFailures.increment();
          log.warn("posture audit failed: {}", e.toString());
        }
      } while (awaitNext());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the interval or a request (then the settle time, or the gap); false when closed. */
  private boolean awaitNext() throws InterruptedException {
    String reason = requests.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
    if (stop.getCount() == 0) {
      return false;
    }
    if (reason != null) {
      long sinceLast = System.nanoTime() - lastAuditStart;
      long wait = Math.max(settle.toNanos(), settle.toNanos() * GAP_SETTLES - sinceLast);
      if (stop.await(wait, TimeUnit.NANOSECONDS)) {
        return false;
      }
      requests.clear(); // the events of the burst are covered by this audit
      requestedAudits.increment();
    }
    return true;
  }

  /** One audit and its changes: new findings opened, vanished ones resolved. */
  void auditOnce(EventSink sink) throws InterruptedException {
    List<PostureFinding> now = audit.get();
    Map<String, PostureFinding> current = new LinkedHashMap<>();
    for (PostureFinding f : now) {
      current.putIfAbsent(f.key(), f);
    }
    List<PostureFindingChanged> changes = new ArrayList<>();
    for (Map.Entry<String, PostureFinding> e : open.entrySet()) {
      if (!current.containsKey(e.getKey())) {
        changes.add(new PostureFindingChanged(clock.instant(), e.getValue(), State.RESOLVED));
      }
    }
    for (Map.Entry<String, PostureFinding> e : current.entrySet()) {
      if (!open.containsKey(e.getKey())) {
        changes.add(new PostureFindingChanged(clock.instant(), e.getValue(), State.OPEN));
      }
    }
    for (PostureFindingChanged c : changes) {
      sink.accept(c);
      if (c.state() == State.OPEN) {
        open.put(c.finding().key(), c.finding());
      } else {
        open.remove(c.finding().key());
      }
    }
    audits.increment();
  }

  @Override
  public void close() {
    stop.countDown();
    SupervisedThread t = thread;
    if (t != null) {
      t.stop(Duration.ofSeconds(5));
    }
  }

  @Override
  public Optional<SupervisedThread> supervisor() {
    return Optional.ofNullable(thread);
  }
}

package dev.dockward.agent.lifecycle;

import dev.dockward.event.AgentLifecycle;
import dev.dockward.event.AgentLifecycle.Phase;
import dev.dockward.event.SensorState;
import dev.dockward.host.MachineFacts;
import dev.dockward.host.MachineFactsProvider;
import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import dev.dockward.source.Workers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits {@code agent_started} when started, {@code agent_heartbeat} every interval and {@code
 * agent_stopped} when closed (it is closed before the pipeline, so the last record is journalled).
 * Each record carries the events lost so far and since the previous heartbeat; a bundled rule
 * alerts when that number grows. {@code agent_started} also carries the machine's facts (OS,
 * kernel, hardware) when a provider is given. {@code agent_started} and each heartbeat carry every
 * sensor's state and the sensors newly degraded since the previous record, which a bundled rule
 * alerts on.
 */
public final class AgentLifecycleSource implements Source {
  private static final Logger log = LoggerFactory.getLogger(AgentLifecycleSource.class);

  private final LongSupplier drops;
  private final Duration interval;
  private final Clock clock;
  private final String version;
  private final Optional<MachineFactsProvider> hostFacts;
  private final Supplier<List<SensorState>> sensors;
  private final BooleanSupplier journalling;
  private Set<String> degradedReported = Set.of();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Instant started;
  private long dropsReported;
  private EventSink sink;
  private Thread thread;

  /**
   * @param drops events lost for good so far, summed over the agent's components
   * @param interval how often a heartbeat is journalled
   */
  public AgentLifecycleSource(LongSupplier drops, Duration interval, Clock clock, String version) {
    this(drops, interval, clock, version, Optional.empty());
  }

  /**
   * @param hostFacts the machine's facts for {@code agent_started}, asked once when the source
   *     starts
   */
  public AgentLifecycleSource(
      LongSupplier drops,
      Duration interval,
      Clock clock,
      String version,
      Optional<MachineFactsProvider> hostFacts) {
    this(drops, interval, clock, version, hostFacts, List::of);
  }

  /**
   * @param sensors every sensor's state now, asked on {@code agent_started} and each heartbeat
   */
  public AgentLifecycleSource(
      LongSupplier drops,
      Duration interval,
      Clock clock,
      String version,
      Optional<MachineFactsProvider> hostFacts,
      Supplier<List<SensorState>> sensors) {
    this(drops, interval, clock, version, hostFacts, sensors, () -> true);
  }

  /**
   * @param journalling whether the journal takes records now: a heartbeat emitted while it refuses
   *     them (a full disk) is itself lost, so the drops it reports stay new until a heartbeat is
   *     emitted while the journal takes records
   */
  public AgentLifecycleSource(
      LongSupplier drops,
      Duration interval,
      Clock clock,
      String version,
      Optional<MachineFactsProvider> hostFacts,
      Supplier<List<SensorState>> sensors,
      BooleanSupplier journalling) {
    this.journalling = journalling;
    this.sensors = sensors;
    this.drops = drops;
    this.interval = interval;
    this.clock = clock;
    this.version = version;
    this.hostFacts = hostFacts;
    this.started = clock.instant();
  }

  @Override
  public String name() {
    return "agent";
  }

  @Override
  public synchronized void start(EventSink sink) {
    this.sink = sink;
    thread = new Thread(this::beat, "dockward-lifecycle");
    thread.setDaemon(true);
    emit(Phase.STARTED);
    thread.start();
  }

  private void beat() {
    try {
      while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
        emit(Phase.HEARTBEAT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void emit(Phase phase) {
    long total = drops.getAsLong();
    long fresh = Math.max(0, total - dropsReported);
    if (journalling.getAsBoolean()) {
      // Otherwise this record is refused with the rest, and the next one must report them again.
      // At the moment space returns, one heartbeat may report the same drops twice; never none.
      dropsReported = total;
    }
    Optional<MachineFacts> facts =
        phase == Phase.STARTED ? hostFacts.map(MachineFactsProvider::read) : Optional.empty();
    List<SensorState> states = phase == Phase.STOPPED ? List.of() : sensors.get();
    List<String> degradedNew = newlyDegraded(states);
    Instant now = clock.instant();
    try {
      sink.accept(
          new AgentLifecycle(
              now,
              phase,
              version,
              Duration.between(started, now),
              total,
              fresh,
              facts,
              states,
              degradedNew));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (fresh > 0) {
      log.warn("{} events lost since the last heartbeat ({} since start)", fresh, total);
    }
  }

  /** The sensors degraded now that the previous record did not report degraded; remembers them. */
  private List<String> newlyDegraded(List<SensorState> states) {
    if (states.isEmpty()) {
      return List.of();
    }
    Set<String> degraded = new LinkedHashSet<>();
    for (SensorState s : states) {
      if (s.degraded()) {
        degraded.add(s.name());
        if (!degradedReported.contains(s.name())) {
          // The reason was logged where it arose; this says it is now an alert.
          log.warn("sensor {} is degraded: agent_sensor_degraded raised", s.name());
        }
      }
    }
    List<String> fresh = degraded.stream().filter(n -> !degradedReported.contains(n)).toList();
    degradedReported = degraded;
    return fresh;
  }

  /**
   * Journals {@code agent_journal_overflow}: retention deleted {@code records} unshipped records
   * ({@code total} since start). Shipped like the heartbeat; a bundled rule alerts on it.
   */
  public synchronized void journalOverflow(long records, long total) {
    if (sink == null) {
      return;
    }
    Instant now = clock.instant();
    try {
      sink.accept(
          new AgentLifecycle(
              now,
              Phase.JOURNAL_OVERFLOW,
              version,
              Duration.between(started, now),
              total,
              records));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the heartbeat and journals {@code agent_stopped}. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null || stop.getCount() == 0) {
      return;
    }
    stop.countDown();
    Workers.join(t, Duration.ofSeconds(5));
    emit(Phase.STOPPED);
  }
}

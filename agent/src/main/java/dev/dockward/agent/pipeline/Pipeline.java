package dev.dockward.agent.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalFullException;
import dev.dockward.agent.journal.JournalWriter;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.source.ContainerDirectory;
import dev.dockward.source.EventSink;
import dev.dockward.source.Workers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sources → enrich → record → journal → detect → journal. One thread does it all, in arrival order,
 * so the journal is the order of observation and alerts follow their event. OOM kills reported by
 * several sources are counted once on the record ({@link OomKills}).
 *
 * <p>Full-policy: {@link #accept} blocks the source while the queue is full, in slots or in bytes
 * ({@link #QUEUE_BYTES}), so nothing is dropped here; a source that cannot wait counts its own
 * drops.
 */
public final class Pipeline implements EventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  /** The bytes queued events may hold: with the unit's 512 MiB heap, a quarter at most. */
  static final long QUEUE_BYTES = 128L << 20;

  private final BlockingQueue<Queued> queue;
  private final ByteBudget bytes = new ByteBudget(QUEUE_BYTES);
  private final Enricher enricher;
  private final HostInfo host;
  private final RecordIds ids;
  private final JournalWriter journal;
  private final Detector detector;
  private final PipelineStats stats = new PipelineStats();
  private final OomKills oomKills = new OomKills();
  private final Thread thread;
  private final Runnable alertsJournalled;
  private final Runnable caughtUp;
  private volatile boolean stopping;
  private volatile boolean lastAppendFailed;

  public Pipeline(
      int capacity,
      ContainerDirectory directory,
      HostInfo host,
      RecordIds ids,
      ChronicleJournal journal,
      Detector detector) {
    this(capacity, directory, host, ids, journal, detector, () -> {});
  }

  /**
   * As above, with {@code alertsJournalled} run after the alerts of an event, or an agent lifecycle
   * record, are in the journal (the agent wakes its shippers with it).
   */
  public Pipeline(
      int capacity,
      ContainerDirectory directory,
      HostInfo host,
      RecordIds ids,
      ChronicleJournal journal,
      Detector detector,
      Runnable alertsJournalled) {
    this(capacity, directory, host, ids, journal, detector, alertsJournalled, () -> {});
  }

  /**
   * As above, with {@code caughtUp} run when the pipeline thread has journalled every queued event:
   * shippers of events wait for it instead of polling the journal, and a burst of events costs them
   * one wake-up rather than one per event.
   */
  public Pipeline(
      int capacity,
      ContainerDirectory directory,
      HostInfo host,
      RecordIds ids,
      ChronicleJournal journal,
      Detector detector,
      Runnable alertsJournalled,
      Runnable caughtUp) {
    this.alertsJournalled = Objects.requireNonNull(alertsJournalled, "alertsJournalled");
    this.caughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.enricher = new Enricher(directory, stats);
    this.host = host;
    this.ids = ids;
    this.journal = new JournalWriter(journal, new ObjectMapper());
    this.detector = detector;
    this.thread = new Thread(this::run, "dockward-pipeline");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Whether the journal took the last record (a full disk makes the agent not ready). */
  public boolean journalAccepting() {
    return !lastAppendFailed;
  }

  /** Whether the pipeline thread runs (the agent's liveness). */
  public boolean running() {
    return thread.isAlive();
  }

  /** Events waiting to be journalled. */
  public int queued() {
    return queue.size();
  }

  /**
   * Bytes the queued events hold now (at most {@link #QUEUE_BYTES}, but for one oversized event).
   */
  public long queuedBytes() {
    return bytes.used();
  }

  /** How many times a source waited because the queued events held the byte budget. */
  public long byteBudgetWaits() {
    return bytes.waits();
  }

  public PipelineStats stats() {
    return stats;
  }

  @Override
  public void accept(Event event) throws InterruptedException {
    // Sized once: a command line of hundreds of KiB is not scanned again when it leaves the queue.
    Queued queued = new Queued(Objects.requireNonNull(event, "event"), ByteBudget.sizeOf(event));
    bytes.acquire(queued.bytes());
    try {
      queue.put(queued);
    } catch (InterruptedException e) {
      bytes.release(queued.bytes());
      throw e;
    }
  }

  /** An event waiting for the pipeline thread, with the bytes it holds of the budget. */
  private record Queued(Event event, long bytes) {}

  private void run() {
    while (!stopping || !queue.isEmpty()) {
      Queued queued;
      try {
        queued = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (queued != null) {
        bytes.release(queued.bytes());
        process(queued.event());
        if (queue.isEmpty()) {
          caughtUp.run();
        }
      }
    }
  }

  /**
   * Handles one event on the calling thread; exposed for tests that drive the pipeline directly. A
   * failure on one event (a bug, a hostile value) is counted and the next event comes as usual: the
   * pipeline thread never ends before it is closed.
   */
  void process(Event event) {
    Map<String, Object> record = record(event);
    if (record == null) {
      return;
    }
    oomKills.annotate(record); // before the journal: a replay counts kills as the agent did
    stats.countEvent(event.source(), event.type());
    append(record);
    List<Map<String, Object>> alerts;
    long begin = System.nanoTime();
    try {
      alerts = detector.alertsFor(record, ids::next);
      stats.detectionNanos.add(System.nanoTime() - begin);
    } catch (RuntimeException | StackOverflowError e) {
      // A rule engine bug must not stop the journal: count it and keep going.
      stats.detectorFailures.increment();
      log.error(
          "detector failed on event {} ({}): {}",
          record.get("id"),
          record.get("type"),
          e.toString());
      return;
    }
    for (Map<String, Object> alert : alerts) {
      stats.countAlert(String.valueOf(alert.get("rule")));
      if (!append(alert)) {
        detector.refused(record, alert);
      }
    }
    // Lifecycle records (a heartbeat every 30 s, start and stop) are shipped like alerts, and as
    // rare.
    if (!alerts.isEmpty() || isLifecycle(record)) {
      alertsJournalled.run();
    }
  }

  private static boolean isLifecycle(Map<String, Object> record) {
    return record.get("type") instanceof String type && type.startsWith("agent_");
  }

  /**
   * The event's record, enriched with its container; when enriching fails, the record as the source
   * saw it (counted); null, counted as lost, when not even that can be made.
   */
  private Map<String, Object> record(Event event) {
    try {
      return EventDocuments.of(enricher.enrich(event), host, ids.next());
    } catch (RuntimeException | StackOverflowError e) {
      long failures = stats.enrichFailures.sum();
      stats.enrichFailures.increment();
      if (failures < 10 || failures % 1000 == 0) {
        log.error(
            "enriching a {} event failed ({} failures so far); journalled without its container",
            event.type(),
            failures + 1,
            e);
      }
    }
    try {
      return EventDocuments.of(event, host, ids.next());
    } catch (RuntimeException | StackOverflowError e) {
      stats.unrecordable.increment();
      log.error(
          "a {} event from {} could not be made a record and is lost",
          event.type(),
          event.source(),
          e);
      return null;
    }
  }

  /** Journals one record; false when the journal refused it (counted and logged here). */
  private boolean append(Map<String, Object> record) {
    long begin = System.nanoTime();
    try {
      journal.append(record);
      stats.journalNanos.add(System.nanoTime() - begin);
      lastAppendFailed = false;
      stats.countTrim(journal.lastTrim());
      return true;
    } catch (RuntimeException e) {
      lastAppendFailed = true;
      long failures = stats.journalFailures.sum();
      stats.journalFailures.increment();
      // Log the first failures and then every thousandth, so a full disk does not flood the log
      // (a full disk is logged by the journal itself, once per episode).
      if (!(e instanceof JournalFullException) && (failures < 10 || failures % 1000 == 0)) {
        log.error(
            "journal append failed for record {} ({} failures so far): {}",
            record.get("id"),
            failures + 1,
            e.toString());
      }
      return false;
    }
  }

  /** Processes what is queued, then stops. Sources must be closed first. */
  @Override
  public void close() {
    stopping = true;
    if (!Workers.join(thread, Duration.ofSeconds(10))) {
      log.warn("pipeline did not drain within 10 s; {} events left in its queue", queue.size());
    }
  }
}

package dev.dockward.agent.ship;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.journal.RecordBounds;
import dev.dockward.agent.journal.RecordHead;
import dev.dockward.agent.journal.RecordJsonEncoder;
import dev.dockward.source.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the journal with its own cursor and hands the selected records (alerts, and events when
 * asked) to one sink, at least once.
 *
 * <p>The sink acknowledges asynchronously. The shipper commits an index only when that record and
 * every older one were acknowledged ({@link AckWindow}), and stores the committed index in its
 * {@link Checkpoint} (at most every 200 ms, and on close). On start it resumes just after the
 * checkpoint; without one it starts where {@link ShipperSettings#start()} says. A record whose send
 * failed (refused, expired, sink closed) is read again from the journal and re-sent after a
 * backoff, forever: no record counts as shipped until the sink acknowledged it. The one exception
 * is a record the sink refuses for its size ({@link RecordRejectedException}): it is sent again cut
 * to half its size (marked in its {@code truncated} field, see {@link RecordBounds}), then a
 * quarter, down to {@link #TRIM_FLOOR_BYTES}; refused even then, it is counted and passed, so one
 * oversized record cannot stop shipping. While failed records wait, no new ones are read, and at
 * most {@link ShipperSettings#maxInFlight()} records are outstanding: the journal, not the heap,
 * holds the backlog.
 */
public final class Shipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final long CHECKPOINT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final ChronicleJournal journal;
  private final Sink sink;
  private final Checkpoint checkpoint;
  private final ShipperSettings settings;
  private final ObjectMapper json = new ObjectMapper();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final LongAdder shipped = new LongAdder();

  /** When the sink last acknowledged a record (epoch millis), 0 before the first. */
  private volatile long lastShippedMillis;

  private final LongAdder failures = new LongAdder();
  private final LongAdder resent = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder trimmed = new LongAdder();

  /**
   * A record refused for its size is not cut below this: a sink that refuses it takes almost
   * nothing.
   */
  static final int TRIM_FLOOR_BYTES = 2048;

  private final Thread thread;

  /**
   * The longest idle pause: how late a record may be picked up that nothing announced (one appended
   * to the journal by something else than the agent's pipeline, which wakes its shippers).
   */
  private static final long MAX_IDLE_NANOS = 1_000_000_000;

  private volatile int inFlight;
  private volatile boolean stopping;
  private volatile OptionalLong committed = OptionalLong.empty();

  /** A sink's verdict on one send, reported from whichever thread the sink completes on. */
  private record Outcome(AckWindow.Slot slot, Throwable error) {}

  public Shipper(
      ChronicleJournal journal, Sink sink, Checkpoint checkpoint, ShipperSettings settings) {
    this.journal = journal;
    this.sink = sink;
    this.checkpoint = checkpoint;
    this.settings = settings;
    this.thread = new Thread(this::run, "dockward-ship-" + sink.name());
    this.thread.setDaemon(true);
  }

  /** Starts shipping; returns once the shipper's starting position in the journal is fixed. */
  public void start() throws InterruptedException {
    thread.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("shipper " + sink.name() + " did not start");
    }
  }

  public String name() {
    return sink.name();
  }

  /**
   * A record this shipper ships was journalled: stop idling now. A shipper of alerts only is woken
   * this way instead of polling the journal, so a storm of events it passes over costs it one pass
   * every idle period rather than a wake-up per event.
   */
  public void wake() {
    LockSupport.unpark(thread);
  }

  /**
   * The pipeline journalled every event it had (a burst of them, or one): a shipper of events stops
   * idling; one of alerts only is not woken for events it passes over.
   */
  public void recordsJournalled() {
    if (settings.events()) {
      LockSupport.unpark(thread);
    }
  }

  /** Whether the shipping thread runs (part of the agent's liveness). */
  public boolean running() {
    return thread.isAlive();
  }

  /** Records the sink acknowledged (re-sends included once each time they are acknowledged). */
  /**
   * Records sent and not yet acknowledged (approximate: updated by the shipping thread as it
   * works).
   */
  public int inFlight() {
    return inFlight;
  }

  public long shipped() {
    return shipped.sum();
  }

  /** Sends the sink refused or did not acknowledge in time; each one is re-sent. */
  public long failures() {
    return failures.sum();
  }

  /** Sends that were repeats of a failed one. */
  public long resent() {
    return resent.sum();
  }

  /** Sends of a record cut smaller because the sink refused its size (one per cut). */
  public long trimmed() {
    return trimmed.sum();
  }

  /** Records the sink rejected for good (too large even cut down); counted, logged and passed. */
  public long rejected() {
    return rejected.sum();
  }

  /** Journal records that could not be read back or parsed; counted and passed, never retried. */
  public long unreadable() {
    return unreadable.sum();
  }

  /** When the sink last acknowledged a record; empty before the first. */
  public OptionalLong lastShippedMillis() {
    long t = lastShippedMillis;
    return t == 0 ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /** The newest committed journal index, as last seen by the shipper's thread. */
  public OptionalLong committed() {
    return committed;
  }

  private void run() {
    // Chronicle tailers belong to the thread that made them: create them here.
    OptionalLong stored = checkpoint.load();
    try (JournalCursor cursor = position(stored);
        JournalCursor rereader = journal.fromStart()) {
      committed = stored;
      ready.countDown();
      new Loop(cursor, rereader, new AckWindow(stored)).run();
    } catch (RuntimeException e) {
      log.error("shipper {} stopped: {}", sink.name(), e.toString(), e);
    } finally {
      ready.countDown();
    }
  }

  private JournalCursor position(OptionalLong stored) {
    if (stored.isPresent()) {
      Optional<JournalCursor> after = journal.after(stored.getAsLong());
      if (after.isPresent()) {
        log.info("shipper {} resumes after journal index {}", sink.name(), stored.getAsLong());
        return after.get();
      }
      // Never skip: an index the journal does not hold means we cannot tell what was shipped.
      log.warn(
          "shipper {}: checkpoint index {} is not in the journal; shipping from the oldest record",
          sink.name(),
          stored.getAsLong());
      return journal.fromStart();
    }
    if (settings.start() == ShipperSettings.Start.JOURNAL_START) {
      log.info(
          "shipper {} has no checkpoint ({}); shipping from the oldest journalled record",
          sink.name(),
          checkpoint);
      return journal.fromStart();
    }
    return journal.fromEnd();
  }

  /** The shipper thread's state; nothing in here is shared with other threads. */
  private final class Loop {
    private final JournalCursor cursor;
    private final JournalCursor rereader;
    private final AckWindow window;
    private final Backoff backoff;
    private final RecordJsonEncoder encoder = new RecordJsonEncoder();
    private final PriorityQueue<AckWindow.Slot> failed =
        new PriorityQueue<>(Comparator.comparingLong(s -> s.index));

    /**
     * A re-send round is due at {@link #resendAt}; set by a failure (after a backoff) or a
     * successful probe.
     */
    private boolean roundPending;

    private long resendAt;
    private long lastStore = System.nanoTime();
    private OptionalLong stored;

    /** Sends failed and none succeeded since: re-send rounds then send only the oldest record. */
    private boolean outage;

    private long failuresInStreak;

    Loop(JournalCursor cursor, JournalCursor rereader, AckWindow window) {
      this.cursor = cursor;
      this.rereader = rereader;
      this.window = window;
      this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
      this.stored = window.committed();
    }

    void run() {
      long idleNanos = 0;
      boolean draining = false;
      long drainDeadline = 0;
      while (true) {
        boolean progressed = applyOutcomes();
        storeCheckpoint(false);
        if (!failed.isEmpty()) {
          if (roundPending && System.nanoTime() - resendAt >= 0) {
            roundPending = false;
            resendFailed();
            progressed = true;
          }
        } else if ((inFlight = window.size()) < settings.maxInFlight()) {
          Optional<JournalRecord> next = cursor.next();
          if (next.isPresent()) {
            ship(next.get());
            idleNanos = 0;
            continue;
          }
        }
        if (stopping) {
          if (!draining) {
            draining = true;
            drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
          }
          if (window.isEmpty() || System.nanoTime() - drainDeadline >= 0) {
            break;
          }
        }
        if (progressed) {
          idleNanos = 0;
          continue;
        }
        flush();
        // Back off from 50 µs to 1 s while idle: low latency under load, no polling at rest.
        // Sinks unpark this thread when they acknowledge, and the pipeline when it journals an
        // alert or a lifecycle record, and (for a shipper of events) when it has journalled what
        // it had: the pause only bounds a wake-up that never comes.
        idleNanos =
            settings.events()
                ? Math.min(Math.max(idleNanos * 2, 50_000), MAX_IDLE_NANOS)
                : MAX_IDLE_NANOS;
        // A checkpoint held back by the store interval is stored when due, not after the whole
        // pause.
        LockSupport.parkNanos(Math.min(idleNanos, Math.max(50_000, untilCheckpointDue())));
      }
      flush();
      closeSink();
      // Closing may have settled the last sends: commit what was acknowledged before stopping.
      applyOutcomes();
      storeCheckpoint(true);
      if (!window.isEmpty()) {
        log.warn(
            "shipper {} stopped with {} records unacknowledged; they are sent again on the next start",
            sink.name(),
            window.size());
      }
      log.info(
          "shipper {} stopped: {} delivered, {} failed sends, {} re-sent, committed index {}",
          sink.name(),
          shipped.sum(),
          failures.sum(),
          resent.sum(),
          stored.isPresent() ? Long.toString(stored.getAsLong()) : "none");
    }

    private void ship(JournalRecord record) {
      Map<String, Object> parsed;
      try {
        // Most records are events that are not shipped: their head decides without building a map.
        if (!settings.events() && !wanted(RecordHead.read(json.getFactory(), record.json()))) {
          window.skip(record.index());
          return;
        }
        parsed = json.readValue(record.json(), MAP);
      } catch (IOException e) {
        // Only the pipeline writes the journal, as JSON; a record that does not parse is counted
        // and passed.
        unreadable.increment();
        log.error(
            "shipper {}: journal record at index {} is not JSON, not shipped: {}",
            sink.name(),
            record.index(),
            e.toString());
        window.skip(record.index());
        return;
      }
      send(window.open(record.index()), record.json(), parsed);
    }

    /** An alert, or an agent lifecycle record when those are shipped. */
    private boolean wanted(RecordHead head) {
      return "alert".equals(head.kind())
          || settings.lifecycle() && head.type() != null && head.type().startsWith("agent_");
    }

    private void send(AckWindow.Slot slot, String text, Map<String, Object> parsed) {
      slot.sending();
      CompletionStage<Void> done;
      try {
        done = sink.send(text, parsed);
      } catch (RuntimeException e) {
        outcomes.add(new Outcome(slot, e));
        return;
      }
      done.whenComplete(
          (ok, error) -> {
            outcomes.add(new Outcome(slot, error));
            LockSupport.unpark(thread);
          });
    }

    private boolean applyOutcomes() {
      boolean any = false;
      Outcome o;
      while ((o = outcomes.poll()) != null) {
        any = true;
        if (o.error() == null) {
          shipped.increment();
          lastShippedMillis = System.currentTimeMillis();
          window.acknowledge(o.slot());
          if (outage) {
            outage = false;
            backoff.reset();
            // The probe went through: send the rest that failed now, not after another backoff.
            if (!failed.isEmpty()) {
              roundPending = true;
              resendAt = System.nanoTime();
            }
            log.info(
                "shipper {} delivers again ({} failed sends before)",
                sink.name(),
                failuresInStreak);
            failuresInStreak = 0;
          }
        } else if (rejection(o.error()) != null && resendTrimmed(o.slot(), rejection(o.error()))) {
          trimmed.increment();
        } else if (rejection(o.error()) != null) {
          rejected.increment();
          log.error(
              "shipper {}: {} rejected the record at journal index {} for good, not shipped ({} so far): {}",
              sink.name(),
              sink.name(),
              o.slot().index,
              rejected.sum(),
              rejection(o.error()).getMessage());
          window.acknowledge(o.slot());
        } else {
          failed(o.slot(), o.error());
        }
      }
      return any;
    }

    /**
     * Sends the record again cut to half the size of its previous cut (of the journalled record's
     * size, at most {@link RecordBounds#MAX_RECORD_BYTES}, the first time); false when that would
     * be below {@link #TRIM_FLOOR_BYTES} or the record is no longer in the journal.
     */
    private boolean resendTrimmed(AckWindow.Slot slot, RecordRejectedException why) {
      Optional<JournalRecord> again = rereader.at(slot.index);
      if (again.isEmpty()) {
        return false;
      }
      String text = again.get().json();
      int journalled = text.getBytes(StandardCharsets.UTF_8).length;
      int target =
          (slot.trims() == 0
                  ? Math.min(journalled, RecordBounds.MAX_RECORD_BYTES)
                  : slot.trimmedBytes())
              / 2;
      if (target < TRIM_FLOOR_BYTES) {
        return false;
      }
      Map<String, Object> parsed;
      try {
        parsed = json.readValue(text, MAP);
      } catch (IOException e) {
        return false;
      }
      Map<String, Object> cut = RecordBounds.shrink(parsed, target, this::encodedSize);
      String cutText;
      try {
        cutText = json.writeValueAsString(cut);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int cutBytes = cutText.getBytes(StandardCharsets.UTF_8).length;
      slot.trimmed(cutBytes);
      log.warn(
          "shipper {}: {} refused the record at journal index {} for its size ({}): sending it cut from {} to {} "
              + "bytes, marked in 'truncated'",
          sink.name(),
          sink.name(),
          slot.index,
          why.getMessage(),
          journalled,
          cutBytes);
      send(slot, cutText, cut);
      return true;
    }

    private int encodedSize(Map<String, Object> record) {
      if (encoder.encode(record)) {
        return encoder.size();
      }
      try {
        return json.writeValueAsBytes(record).length;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void failed(AckWindow.Slot slot, Throwable error) {
      failures.increment();
      failuresInStreak++;
      if (!outage) {
        outage = true;
        // Warn once per outage, not once per record: the records are safe in the journal.
        log.warn(
            "shipper {}: record at journal index {} not delivered ({}); records stay in the journal and are "
                + "sent again with backoff until delivered",
            sink.name(),
            slot.index,
            rootMessage(error));
      }
      // Failures arrive in bursts: the first one schedules the next round.
      if (!roundPending) {
        roundPending = true;
        resendAt = System.nanoTime() + backoff.next().toNanos();
      }
      failed.add(slot);
    }

    /**
     * Sends the failed records again, oldest first. During an outage only the oldest one goes, as a
     * probe: a send to an unreachable Kafka may block for {@code max.block.ms}, and a round of
     * thousands would keep the shipper (and its close) waiting for hours. Once the probe is
     * acknowledged, the rest follow at once.
     */
    private void resendFailed() {
      AckWindow.Slot slot;
      int budget = outage ? 1 : Integer.MAX_VALUE;
      while (budget-- > 0 && (slot = failed.poll()) != null) {
        Optional<JournalRecord> again = rereader.at(slot.index);
        if (again.isEmpty()) {
          // The journal lost it (retention under a hard size limit): nothing left to send.
          unreadable.increment();
          log.error(
              "shipper {}: journal index {} is gone before it was shipped",
              sink.name(),
              slot.index);
          window.acknowledge(slot);
          continue;
        }
        Map<String, Object> parsed;
        try {
          parsed = json.readValue(again.get().json(), MAP);
        } catch (IOException e) {
          throw new IllegalStateException(
              "record at " + slot.index + " parsed before and not now", e);
        }
        resent.increment();
        send(slot, again.get().json(), parsed);
      }
    }

    /**
     * How long until an acknowledged index not yet stored may be stored; MAX_VALUE when none waits.
     */
    private long untilCheckpointDue() {
      OptionalLong c = committed;
      if (c.isEmpty() || c.equals(stored)) {
        return Long.MAX_VALUE;
      }
      return lastStore + CHECKPOINT_EVERY_NANOS - System.nanoTime();
    }

    private void storeCheckpoint(boolean now) {
      OptionalLong c = window.committed();
      committed = c;
      if (c.isEmpty() || c.equals(stored)) {
        return;
      }
      long t = System.nanoTime();
      if (!now && t - lastStore < CHECKPOINT_EVERY_NANOS) {
        return;
      }
      lastStore = t;
      try {
        checkpoint.store(c.getAsLong());
        stored = c;
      } catch (IOException e) {
        // Not fatal: the older checkpoint means duplicates after a restart, never a gap.
        log.warn(
            "shipper {}: cannot store checkpoint {}: {}", sink.name(), checkpoint, e.toString());
      }
    }

    private void flush() {
      try {
        sink.flush();
      } catch (IOException e) {
        log.warn("shipper {}: flush failed: {}", sink.name(), e.toString());
      }
    }

    private void closeSink() {
      try {
        sink.close();
      } catch (IOException | RuntimeException e) {
        log.warn("closing sink {}: {}", sink.name(), e.toString());
      }
    }
  }

  /** The sink's permanent rejection, possibly wrapped by a CompletionException; null when none. */
  private static RecordRejectedException rejection(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RecordRejectedException r) {
        return r;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }

  /**
   * Ships what is journalled, waits up to the drain timeout for acknowledgements, stores the
   * checkpoint and closes the sink.
   */
  @Override
  public void close() {
    stopping = true;
    LockSupport.unpark(thread);
    Duration wait = settings.drainTimeout().plusSeconds(20);
    if (!Workers.join(thread, wait)) {
      log.warn("shipper {} did not stop within {}", sink.name(), wait);
    }
  }
}

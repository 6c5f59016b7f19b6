package dev.dockward.agent.ship;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.source.Workers;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the journal from the moment it starts and hands the selected records (alerts, and
 * events when asked) to its sink. On close it first ships what the journal already holds.
 */
public final class Shipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Shipper.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final ChronicleJournal journal;
  private final Sink sink;
  private final boolean events;
  private final ObjectMapper json = new ObjectMapper();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final LongAdder shipped = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Thread thread;
  private volatile boolean stopping;

  public Shipper(ChronicleJournal journal, Sink sink, boolean events) {
    this.journal = journal;
    this.sink = sink;
    this.events = events;
    this.thread = new Thread(this::run, "dockward-ship-" + sink.name());
    this.thread.setDaemon(true);
  }

  /** Starts following; returns once the shipper's position is fixed at the journal's end. */
  public void start() throws InterruptedException {
    thread.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("shipper " + sink.name() + " did not start");
    }
  }

  public String sinkName() {
    return sink.name();
  }

  /** Whether the shipping thread runs (part of the agent's liveness). */
  public boolean running() {
    return thread.isAlive();
  }

  public long shipped() {
    return shipped.sum();
  }

  public long failures() {
    return failures.sum();
  }

  private void run() {
    // Chronicle tailers belong to the thread that made them: create it here.
    try (JournalCursor cursor = journal.fromEnd()) {
      ready.countDown();
      long idleNanos = 0;
      while (true) {
        Optional<JournalRecord> next = cursor.next();
        if (next.isPresent()) {
          idleNanos = 0;
          ship(next.get());
          continue;
        }
        if (stopping) {
          break;
        }
        flush();
        // Back off from 50 µs to 10 ms while idle: low latency under load, little CPU at rest.
        idleNanos = Math.min(Math.max(idleNanos * 2, 50_000), 10_000_000);
        LockSupport.parkNanos(idleNanos);
      }
      flush();
    } catch (RuntimeException e) {
      log.error("shipper {} stopped: {}", sink.name(), e.toString());
    } finally {
      ready.countDown();
    }
  }

  private void ship(JournalRecord record) {
    try {
      Map<String, Object> parsed = json.readValue(record.json(), MAP);
      if (!events && !"alert".equals(parsed.get("kind"))) {
        return;
      }
      sink.send(record.json(), parsed);
      shipped.increment();
    } catch (IOException e) {
      failures.increment();
      log.warn("shipper {} could not deliver record at index {}: {}", sink.name(), record.index(), e.toString());
    }
  }

  private void flush() {
    try {
      sink.flush();
    } catch (IOException e) {
      failures.increment();
    }
  }

  /** Ships what is journalled, then stops and closes the sink. */
  @Override
  public void close() {
    stopping = true;
    if (!Workers.join(thread, Duration.ofSeconds(10))) {
      log.warn("shipper {} did not catch up with the journal within 10 s", sink.name());
    }
    try {
      sink.close();
    } catch (IOException e) {
      log.warn("closing sink {}: {}", sink.name(), e.toString());
    }
  }
}

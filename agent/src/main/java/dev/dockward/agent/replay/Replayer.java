package dev.dockward.agent.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Streams the records of a journal that a query selects, in journal order, with constant memory: it
 * seeks to {@code since} by roll cycle and stops once records are well past {@code until}.
 */
public final class Replayer {
  /** How far past --until a record may be journalled (pipeline lag) before reading stops. */
  static final Duration LATE_SLACK = Duration.ofMinutes(5);

  /** Receives each selected record. */
  @FunctionalInterface
  public interface Handler {
    void record(RecordView record);
  }

  /** What a replay went through. */
  public record Counts(long read, long selected, long unreadable) {}

  private final ChronicleJournal journal;
  private final Runnable onRead;
  private final ObjectMapper json = new ObjectMapper();

  public Replayer(ChronicleJournal journal) {
    this(journal, () -> {});
  }

  /**
   * @param onRead told of every record read from the journal, selected or not (progress reports)
   */
  public Replayer(ChronicleJournal journal, Runnable onRead) {
    this.journal = journal;
    this.onRead = onRead;
  }

  /**
   * Hands every record {@code query} selects to {@code handler}.
   *
   * @param follow keep waiting for new records at the end (until {@code stop} says so)
   * @param stop checked while following
   */
  public Counts replay(ReplayQuery query, Handler handler, boolean follow, BooleanSupplier stop) {
    return replay(query, handler, follow, stop, json -> true);
  }

  /**
   * The same, looking only at records whose text {@code candidate} accepts (a cheap test that
   * spares parsing the records a query cannot select).
   */
  public Counts replay(
      ReplayQuery query,
      Handler handler,
      boolean follow,
      BooleanSupplier stop,
      Predicate<String> candidate) {
    long read = 0;
    long selected = 0;
    long unreadable = 0;
    Optional<Instant> stopAfter = query.until().map(u -> u.plus(LATE_SLACK));
    try (JournalCursor cursor =
        query.since().map(journal::fromTime).orElseGet(journal::fromStart)) {
      while (true) {
        Optional<JournalRecord> next = cursor.next();
        if (next.isEmpty()) {
          if (!follow || stop.getAsBoolean()) {
            break;
          }
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
          continue;
        }
        read++;
        onRead.run();
        RecordView record = new RecordView(next.get().json(), json);
        try {
          if (stopAfter.isPresent()) {
            Optional<Instant> time = record.time();
            if (time.isPresent() && time.get().isAfter(stopAfter.get())) {
              break;
            }
          }
          if (candidate.test(record.json()) && query.matches(record)) {
            selected++;
            handler.record(record);
          }
        } catch (UncheckedIOException e) {
          unreadable++;
        }
      }
    }
    return new Counts(read, selected, unreadable);
  }
}

package dev.dockward.agent.journal;

import dev.dockward.source.Workers;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole roll cycles of the journal, oldest first, by age and by size, whichever limit comes
 * first. A cycle goes only when every sink's committed index has passed it; the one exception is
 * the size limit: when the journal is over it and the oldest cycle is not yet shipped, that cycle
 * is deleted anyway, its unshipped records are counted and reported to the {@link OverflowListener}
 * (the agent journals {@code agent_journal_overflow}). The writer's current cycle is never deleted.
 *
 * <p>Runs on its own thread at a fixed interval, and at once when {@link #runSoon()} asks (the
 * journal ran out of disk).
 */
public final class JournalRetention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalRetention.class);

  /**
   * @param maxAge cycles that ended longer ago than this are deleted once shipped
   * @param maxBytes the most the journal's cycles may hold; over it, the oldest go even unshipped
   */
  public record Policy(Duration maxAge, long maxBytes) {
    public Policy {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
      }
    }
  }

  /** Told when unshipped records were deleted. */
  @FunctionalInterface
  public interface OverflowListener {
    /**
     * @param records unshipped records deleted now; @param total since the agent started
     */
    void overflowed(long records, long total);
  }

  private final ChronicleJournal journal;
  private final Policy policy;
  private final Clock clock;
  private final Supplier<OptionalLong> shippedThrough;
  private final OverflowListener overflow;
  private final LongAdder deletedCycles = new LongAdder();
  private final LongAdder overflowRecords = new LongAdder();
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean stopping;
  private Thread thread;

  /**
   * @param shippedThrough the newest index that every sink committed (it and everything before it
   *     were delivered); empty when some sink has committed nothing yet. With no sinks at all, pass
   *     {@code Long.MAX_VALUE}.
   */
  public JournalRetention(
      ChronicleJournal journal,
      Policy policy,
      Clock clock,
      Supplier<OptionalLong> shippedThrough,
      OverflowListener overflow) {
    this.journal = journal;
    this.policy = policy;
    this.clock = clock;
    this.shippedThrough = shippedThrough;
    this.overflow = overflow;
  }

  /** Runs retention now and then every {@code interval} until closed. */
  public synchronized void start(Duration interval) {
    thread = new Thread(() -> loop(interval), "dockward-retention");
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks the retention thread to run now (the disk is full). */
  public void runSoon() {
    wake.release();
  }

  public long deletedCycles() {
    return deletedCycles.sum();
  }

  /** Unshipped records deleted because the journal was over its size limit. */
  public long overflowRecords() {
    return overflowRecords.sum();
  }

  private void loop(Duration interval) {
    while (!stopping) {
      try {
        runOnce();
      } catch (RuntimeException e) {
        // Retention failing must not stop detection: the journal grows, the next round tries again.
        log.warn("journal retention failed: {}", e.toString());
      }
      try {
        wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * A cycle the policy deletes, and how many of its records no sink has shipped (-1: all shipped).
   */
  private record Doomed(ChronicleJournal.CycleFile cycle, long unshipped, boolean expired) {}

  /** One pass: deletes what the policy says; returns the number of cycles deleted. */
  public int runOnce() {
    List<ChronicleJournal.CycleFile> cycles = journal.closedCycles();
    if (cycles.isEmpty()) {
      return 0;
    }
    List<Doomed> plan = plan(cycles);
    if (plan.isEmpty()) {
      return 0;
    }
    // The chain must stay checkable across what goes: anchor it first, delete nothing without it.
    int firstKept =
        plan.size() < cycles.size() ? cycles.get(plan.size()).cycle() : journal.writeCycle();
    try {
      Optional<ChainAnchor> anchor = journal.anchorBefore(firstKept);
      if (anchor.isPresent()) {
        anchor.get().store(journal.dir(), journal.files());
      }
    } catch (IOException e) {
      log.warn(
          "journal retention cannot write the chain anchor ({}); nothing deleted this time",
          e.toString());
      return 0;
    }
    int deleted = 0;
    for (Doomed d : plan) {
      if (!delete(d.cycle())) {
        break;
      }
      deleted++;
      if (d.unshipped() >= 0) {
        overflowRecords.add(d.unshipped());
        log.error(
            "journal over its size limit ({} bytes): deleted roll cycle {} with {} records not yet shipped "
                + "({} such records since start)",
            policy.maxBytes(),
            d.cycle().file().getFileName(),
            d.unshipped(),
            overflowRecords.sum());
        overflow.overflowed(d.unshipped(), overflowRecords.sum());
      } else {
        log.info(
            "journal retention deleted roll cycle {} ({}, {} bytes)",
            d.cycle().file().getFileName(),
            d.expired()
                ? "older than " + policy.maxAge()
                : "journal over " + policy.maxBytes() + " bytes",
            d.cycle().usedBytes());
      }
    }
    if (deleted > 0) {
      journal.cyclesDeleted();
    }
    return deleted;
  }

  /**
   * The oldest cycles to delete, in order: expired or over the size limit and shipped; or, over the
   * size limit only, unshipped (their unshipped records counted).
   */
  private List<Doomed> plan(List<ChronicleJournal.CycleFile> cycles) {
    long total = journal.usedBytes();
    Instant oldestKept = clock.instant().minus(policy.maxAge());
    OptionalLong shipped = shippedThrough.get();
    List<Doomed> plan = new ArrayList<>();
    for (ChronicleJournal.CycleFile cycle : cycles) {
      boolean expired = cycle.end().isBefore(oldestKept);
      boolean overSize = total > policy.maxBytes();
      if (!expired && !overSize) {
        break;
      }
      boolean wholeCycleShipped =
          shipped.isPresent() && journal.cycleOf(shipped.getAsLong()) > cycle.cycle();
      long unshipped = -1;
      if (!wholeCycleShipped) {
        if (!overSize) {
          break; // expired but not shipped: kept; every newer cycle is unshipped too
        }
        unshipped =
            journal.entriesAfter(
                cycle.cycle(), shipped.isPresent() ? shipped.getAsLong() : Long.MIN_VALUE);
      }
      plan.add(new Doomed(cycle, unshipped, expired));
      total -= cycle.usedBytes();
    }
    return plan;
  }

  private boolean delete(ChronicleJournal.CycleFile cycle) {
    try {
      Files.deleteIfExists(cycle.file());
      deletedCycles.increment();
      return true;
    } catch (IOException e) {
      log.warn("journal retention cannot delete {}: {}", cycle.file(), e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    stopping = true;
    wake.release();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      Workers.join(t, Duration.ofSeconds(10));
    }
  }
}

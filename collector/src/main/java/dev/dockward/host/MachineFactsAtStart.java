package dev.dockward.host;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's facts, read once on a thread of their own as the agent starts, so OSHI's slow first
 * call overlaps the rest of the start instead of delaying it. Whoever needs the facts waits at most
 * a bound; facts that are not there by then are left out of that use (and logged once).
 */
public final class MachineFactsAtStart implements MachineFactsProvider {
  private static final Logger log = LoggerFactory.getLogger(MachineFactsAtStart.class);

  private final CompletableFuture<MachineFacts> reading;
  private final Duration wait;
  private final AtomicBoolean warned = new AtomicBoolean();

  private MachineFactsAtStart(CompletableFuture<MachineFacts> reading, Duration wait) {
    this.reading = reading;
    this.wait = wait;
  }

  /**
   * Starts reading now.
   *
   * @param provider where the facts come from
   * @param wait how long {@link #read()} waits for a reading still under way
   */
  public static MachineFactsAtStart begin(MachineFactsProvider provider, Duration wait) {
    CompletableFuture<MachineFacts> reading = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                MachineFacts facts = provider.read();
                log.info("host facts read in {} ms", facts.readTime().toMillis());
                reading.complete(facts);
              } catch (RuntimeException | Error e) {
                reading.completeExceptionally(e);
              }
            },
            "dockward-host-facts");
    thread.setDaemon(true);
    thread.start();
    return new MachineFactsAtStart(reading, wait);
  }

  /** The facts if the reading has finished well; never waits (for the pipeline's thread). */
  public Optional<MachineFacts> readIfDone() {
    if (!reading.isDone() || reading.isCompletedExceptionally()) {
      return Optional.empty();
    }
    return Optional.of(reading.join());
  }

  /** The facts, waiting for them at most the bound given at start; none when they are not there. */
  @Override
  public MachineFacts read() {
    try {
      return reading.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (!warned.getAndSet(true)) {
        log.warn("host facts not read within {} ms: left out until they are", wait.toMillis());
      }
      return MachineFacts.none(wait, List.of("timeout"));
    } catch (ExecutionException e) {
      if (!warned.getAndSet(true)) {
        log.warn("host facts: reading failed: {}", e.getCause().toString());
      }
      return MachineFacts.none(Duration.ZERO, List.of("oshi"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MachineFacts.none(Duration.ZERO, List.of("interrupted"));
    }
  }
}

package dev.dockward.source;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A producer of events (the /proc scan, the Docker daemon, later netlink, cgroups, capture…).
 *
 * <p>{@link #start} returns at once; the source works on its own threads until {@link #close}. A
 * source never throws on what it reads from the host or a container: it counts, logs once and goes
 * on. It may block in {@link EventSink#accept} (backpressure) but must then still close promptly.
 */
public interface Source extends AutoCloseable {
  /** A short stable name, used in logs and metrics, e.g. {@code proc_scan}. */
  String name();

  /** Starts producing into {@code sink}. Called once. */
  void start(EventSink sink);

  /**
   * What the source counted while degrading gracefully (vanished processes, unreadable files,
   * failed connections, drops…), by a short snake_case reason. Read by the metrics endpoint.
   */
  default Map<String, Long> counters() {
    return Map.of();
  }

  /**
   * The names among {@link #counters} that count events lost for good (the agent sums them into its
   * heartbeats' {@code drops} and alerts on them); the other counters are degradations the source
   * made up for, or dropped by design.
   */
  default Set<String> losses() {
    return Set.of();
  }

  /**
   * How long the source's last full pass took (a /proc scan, a cgroup sample), for sources that
   * work in passes.
   */
  default Optional<Duration> lastPass() {
    return Optional.empty();
  }

  /**
   * What the source can see now: degraded, with the reason, when a privilege, the sandbox or a
   * failure blinds it in part. Read by heartbeats, metrics and {@code /health/ready}; cheap.
   */
  default SourceHealth health() {
    return SourceHealth.running();
  }

  /** How many times one of its threads failed and was started again. */
  default long restarts() {
    return 0;
  }

  /** Whether its threads run (they are restarted after a failure): part of the agent's liveness. */
  default boolean alive() {
    return true;
  }

  /** Stops producing; waits for the source's threads to end. Idempotent. */
  @Override
  void close();
}

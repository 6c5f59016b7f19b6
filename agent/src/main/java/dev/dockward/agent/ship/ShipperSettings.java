package dev.dockward.agent.ship;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Shipper} ships.
 *
 * @param events whether events are shipped besides alerts
 * @param start where shipping starts when the checkpoint holds nothing (a new sink, or a checkpoint
 *     that could not be trusted)
 * @param maxInFlight records sent but not yet committed before the shipper stops reading the
 *     journal and waits (default 20 000); the journal is the buffer, not the heap
 * @param minBackoff the first wait before failed records are sent again (default 100 ms)
 * @param maxBackoff the longest wait between re-send rounds (default 30 s)
 * @param drainTimeout how long closing waits for outstanding acknowledgements (default 10 s); what
 *     is still unacknowledged then is sent again on the next start
 */
public record ShipperSettings(
    boolean events,
    boolean lifecycle,
    Start start,
    int maxInFlight,
    Duration minBackoff,
    Duration maxBackoff,
    Duration drainTimeout) {

  /** A position in the journal for a shipper without a checkpoint. */
  public enum Start {
    /** The oldest journalled record: nothing journalled is skipped. */
    JOURNAL_START,
    /** Only what is appended from now on: for live views such as stdout. */
    JOURNAL_END
  }

  public ShipperSettings {
    Objects.requireNonNull(start, "start");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    new Backoff(minBackoff, maxBackoff); // validates the pair
    Objects.requireNonNull(drainTimeout, "drainTimeout");
  }

  /** The defaults, shipping alerts (and events when asked) from {@code start}. */
  public static ShipperSettings of(boolean events, Start start) {
    return new ShipperSettings(
        events,
        false,
        start,
        20_000,
        Duration.ofMillis(100),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  public ShipperSettings withMaxBackoff(Duration max) {
    return new ShipperSettings(
        events,
        lifecycle,
        start,
        maxInFlight,
        minBackoff.compareTo(max) > 0 ? max : minBackoff,
        max,
        drainTimeout);
  }

  /**
   * Also ships the agent's {@code agent_started}, {@code agent_heartbeat} and {@code agent_stopped}
   * events when events are off, so that a SOC sees a host that went silent.
   */
  public ShipperSettings withLifecycle() {
    return new ShipperSettings(
        events, true, start, maxInFlight, minBackoff, maxBackoff, drainTimeout);
  }

  public ShipperSettings withDrainTimeout(Duration timeout) {
    return new ShipperSettings(
        events, lifecycle, start, maxInFlight, minBackoff, maxBackoff, timeout);
  }
}

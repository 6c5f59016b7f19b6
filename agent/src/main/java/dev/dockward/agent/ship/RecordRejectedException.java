package dev.dockward.agent.ship;

/**
 * A sink's answer that it will never take this record (for Kafka: larger than the producer's {@code
 * max.request.size} or the broker's {@code message.max.bytes}). Sending it again would stop the
 * shipper forever, so the shipper counts it, logs it, and moves on; the record stays in the journal
 * for replay.
 */
public final class RecordRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  public RecordRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}

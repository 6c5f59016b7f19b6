package dev.dockward.agent.ship;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a shipper delivers records. {@link #send}, {@link #flush} and {@link #close} are called
 * from the shipper's thread only; the stages that {@code send} returns may complete on any thread
 * and in any order.
 */
public interface Sink extends AutoCloseable {
  String name();

  /**
   * Starts delivering one record without waiting for the destination.
   *
   * @param json the record exactly as journalled
   * @param record the same record parsed (for sinks that reformat it or route by its fields)
   * @return completes normally once the destination acknowledged the record, exceptionally when it
   *     did not take it (the shipper then sends it again from the journal); a sink may also throw
   *     instead, with the same meaning
   */
  CompletionStage<Void> send(String json, Map<String, Object> record);

  /** Pushes out anything buffered; never waits for acknowledgements. */
  void flush() throws IOException;

  /** Releases the destination; sends still unacknowledged may complete exceptionally. */
  @Override
  void close() throws IOException;
}

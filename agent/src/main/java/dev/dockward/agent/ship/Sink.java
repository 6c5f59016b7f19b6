package dev.dockward.agent.ship;

import java.io.IOException;
import java.util.Map;

/** Where a shipper delivers records. Called from the shipper's thread only. */
public interface Sink extends AutoCloseable {
  String name();

  /**
   * Delivers one record; returns when the sink has it.
   *
   * @param json the record exactly as journalled
   * @param record the same record parsed (for sinks that reformat it)
   */
  void send(String json, Map<String, Object> record) throws IOException;

  /** Pushes out anything buffered. */
  void flush() throws IOException;

  @Override
  void close() throws IOException;
}

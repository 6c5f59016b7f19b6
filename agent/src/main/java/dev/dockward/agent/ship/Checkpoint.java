package dev.dockward.agent.ship;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * A sink's acknowledged position in the journal: the index of the newest record such that it and
 * every record before it were acknowledged by the sink (or not meant for it).
 */
public interface Checkpoint {
  /**
   * The stored index, or empty when there is none: a new sink, or a file that cannot be trusted.
   */
  OptionalLong load();

  /** Stores a new acknowledged index, durably, replacing the previous one. */
  void store(long index) throws IOException;

  /** For a live view (stdout): nothing stored, so every start begins where the shipper says. */
  static Checkpoint none() {
    return new Checkpoint() {
      @Override
      public OptionalLong load() {
        return OptionalLong.empty();
      }

      @Override
      public void store(long index) {}

      @Override
      public String toString() {
        return "no checkpoint";
      }
    };
  }
}

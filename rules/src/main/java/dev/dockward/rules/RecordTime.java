package dev.dockward.rules;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A record's own {@code time} (RFC 3339), the one clock that detection, noise control, replay and
 * the output formats all go by, so a replay decides what live detection decided.
 */
public final class RecordTime {
  private RecordTime() {}

  /** The record's time, or empty when it has none or an unreadable one. */
  public static Optional<Instant> of(Map<String, Object> record) {
    Object time = record.get("time");
    if (!(time instanceof String)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse((String) time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

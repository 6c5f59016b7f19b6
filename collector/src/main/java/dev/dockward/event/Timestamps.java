package dev.dockward.event;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The contract's time format: RFC 3339, UTC, milliseconds, e.g. {@code 2026-11-22T18:02:11.431Z}.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static String format(Instant time) {
    return FORMAT.format(time);
  }
}

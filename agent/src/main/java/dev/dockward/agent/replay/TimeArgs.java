package dev.dockward.agent.replay;

import dev.dockward.agent.config.Durations;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A time on the command line: RFC 3339 ({@code 2026-11-23T02:00:00Z}) or an age ({@code 2h}, {@code
 * 30m}).
 */
public final class TimeArgs {
  private TimeArgs() {}

  public static Instant parse(String text, Instant now) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notRfc3339) {
      try {
        return now.minus(Durations.parse(text));
      } catch (IllegalArgumentException notAnAge) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is neither an RFC 3339 time (2026-11-23T02:00:00Z) "
                + "nor an age (30m, 2h, 7d)");
      }
    }
  }
}

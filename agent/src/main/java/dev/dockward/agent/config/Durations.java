package dev.dockward.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config and on the command line: {@code 500ms}, {@code 1s},
 * {@code 2m}, {@code 1h}, {@code 7d}.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (write e.g. 500ms, 10s, 5m, 2h, 7d)");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
  }

  /**
   * The duration as people write it, in its largest whole unit: {@code 250ms}, {@code 1s}, {@code
   * 5m}, {@code 7d}.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s == 0 || s % 60 != 0) {
      return s + "s";
    }
    if (s % 3600 != 0) {
      return s / 60 + "m";
    }
    return s % 86_400 != 0 ? s / 3600 + "h" : s / 86_400 + "d";
  }
}

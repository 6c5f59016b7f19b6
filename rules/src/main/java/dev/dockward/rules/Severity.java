package dev.dockward.rules;

import java.util.Locale;
import java.util.Optional;

/**
 * How serious an alert is, ordered from {@link #INFO} to {@link #CRITICAL}. The lower-case {@link
 * #label()} is the wire form used in rule files and in alert documents.
 */
public enum Severity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /**
   * Parses a severity name, ignoring case.
   *
   * @return the severity, or empty when the text names none
   */
  public static Optional<Severity> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Severity s : values()) {
      if (s.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The lower-case wire form, e.g. {@code "critical"}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}

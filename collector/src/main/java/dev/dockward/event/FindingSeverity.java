package dev.dockward.event;

import java.util.Locale;

/** How bad a posture finding is; the contract's severities, in increasing order. */
public enum FindingSeverity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The contract's spelling, e.g. {@code high}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code high} → {@link #HIGH}; anything else is an IllegalArgumentException. */
  public static FindingSeverity parse(String text) {
    return valueOf(text.strip().toUpperCase(Locale.ROOT));
  }
}

package dev.dockward.rules;

import java.util.Objects;

/**
 * The text of one rule file and where it came from.
 *
 * @param origin what problems name as the file, e.g. {@code /etc/dockward/rules.d/extra.yaml}
 * @param text the YAML text
 */
public record RuleFile(String origin, String text) {

  /** Rejects nulls early, so a missing file shows up where it was read. */
  public RuleFile {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(text, "text");
  }
}

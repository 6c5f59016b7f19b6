package dev.dockward.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * One problem found while reading or loading rule files.
 *
 * @param origin the file, as its {@link RuleFile#origin()}
 * @param line 1-based line, 0 when unknown (e.g. an unreadable file)
 * @param column 1-based column, 0 when unknown
 * @param ruleId the rule it concerns, when known
 * @param severity {@link Level#ERROR} drops the rule (or the file); {@link Level#WARNING} does not
 * @param message what is wrong, for a human
 */
public record LoadProblem(
    String origin, int line, int column, Optional<String> ruleId, Level severity, String message) {

  /** Whether a problem stops something from loading. */
  public enum Level {
    ERROR,
    WARNING
  }

  /** Rejects nulls so {@link #toString()} never prints "null". */
  public LoadProblem {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  static LoadProblem error(String origin, Position at, String ruleId, String message) {
    return new LoadProblem(
        origin, at.line(), at.column(), Optional.ofNullable(ruleId), Level.ERROR, message);
  }

  static LoadProblem warning(String origin, Position at, String ruleId, String message) {
    return new LoadProblem(
        origin, at.line(), at.column(), Optional.ofNullable(ruleId), Level.WARNING, message);
  }

  /** True for {@link Level#ERROR}. */
  public boolean isError() {
    return severity == Level.ERROR;
  }

  /**
   * Compiler-style text, e.g. {@code rules/escape.yaml:12:16: rule shell_in_container: undeclared
   * reference to 'lists.shellz'}; warnings carry a {@code warning: } prefix before the message.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(origin);
    if (line > 0) {
      b.append(':').append(line);
      if (column > 0) {
        b.append(':').append(column);
      }
    }
    b.append(": ");
    ruleId.ifPresent(id -> b.append("rule ").append(id).append(": "));
    if (severity == Level.WARNING) {
      b.append("warning: ");
    }
    return b.append(message).toString();
  }
}

package dev.dockward.rules;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a loaded rule is, as {@code dockward rules list} shows it. The compiled condition lives
 * elsewhere so that this record stays plain data.
 *
 * @param id stable identifier, {@code [a-z][a-z0-9_]*}, unique in a rule set
 * @param description human text, empty when the file gave none
 * @param severity severity of the alerts it raises
 * @param tags tags such as {@code mitre.T1611}, in file order
 * @param origin the rule file it came from, e.g. {@code bundled/container.yaml}
 * @param line 1-based line of the rule in its file
 * @param enabled false when the file says {@code enabled: false}; such rules never run
 * @param condition the CEL condition text
 * @param output the output template text
 * @param holdFor {@code for:}: how long the condition must hold for one container before the rule
 *     fires; empty for a rule that fires on every matching event
 * @param window {@code window:}: how many matching events within how long make the rule fire; empty
 *     for a rule without one
 * @param title {@code title:}, a short human name; when the file gives none, the id with spaces for
 *     underscores and a capital first letter
 * @param fixtures {@code fixtures:}, the rule's own examples, in file order
 */
public record Rule(
    String id,
    String description,
    Severity severity,
    List<String> tags,
    String origin,
    int line,
    boolean enabled,
    String condition,
    String output,
    Optional<Duration> holdFor,
    Optional<Window> window,
    String title,
    List<RuleFixture> fixtures) {

  /** Copies the lists so the record is immutable; derives a missing title from the id. */
  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(severity, "severity");
    tags = List.copyOf(tags);
    Objects.requireNonNull(holdFor, "holdFor");
    Objects.requireNonNull(window, "window");
    title = title == null || title.isBlank() ? titleOf(id) : title;
    fixtures = List.copyOf(fixtures);
  }

  /** A rule without a title of its own or fixtures. */
  public Rule(
      String id,
      String description,
      Severity severity,
      List<String> tags,
      String origin,
      int line,
      boolean enabled,
      String condition,
      String output,
      Optional<Duration> holdFor,
      Optional<Window> window) {
    this(
        id,
        description,
        severity,
        tags,
        origin,
        line,
        enabled,
        condition,
        output,
        holdFor,
        window,
        "",
        List.of());
  }

  /** {@code docker_socket_mounted}: "Docker socket mounted". */
  static String titleOf(String id) {
    String words = id.replace('_', ' ').strip();
    return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  /** A rule without a window. */
  public Rule(
      String id,
      String description,
      Severity severity,
      List<String> tags,
      String origin,
      int line,
      boolean enabled,
      String condition,
      String output,
      Optional<Duration> holdFor) {
    this(
        id,
        description,
        severity,
        tags,
        origin,
        line,
        enabled,
        condition,
        output,
        holdFor,
        Optional.empty());
  }
}

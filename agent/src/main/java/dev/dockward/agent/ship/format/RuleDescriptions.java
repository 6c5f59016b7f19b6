package dev.dockward.agent.ship.format;

import java.util.Optional;

/**
 * The description of a rule by its id, from the rule set the agent runs; the mapped formats carry
 * it ({@code finding_info.desc}, {@code rule.description}), which the native alert does not.
 */
@FunctionalInterface
public interface RuleDescriptions {
  RuleDescriptions NONE = id -> Optional.empty();

  /** The rule's description; empty when the rule is unknown or has none. */
  Optional<String> of(String ruleId);
}

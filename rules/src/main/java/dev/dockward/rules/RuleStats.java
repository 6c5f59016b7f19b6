package dev.dockward.rules;

/**
 * Counters of one rule since its {@link RuleEngine} was built.
 *
 * @param evaluations times the condition was evaluated (only for events of a type it can match)
 * @param matches times it fired
 * @param suppressed times the condition held but an exception suppressed it
 * @param errors evaluation errors in its condition, exceptions or evidence (each counted as no
 *     match for a condition, as false for an exception, as absent for evidence)
 */
public record RuleStats(long evaluations, long matches, long suppressed, long errors) {}

package dev.dockward.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules loaded from a group of files and the lists they share. Immutable; build a new set to
 * change rules (a reload builds a new {@link RuleEngine}).
 */
public final class RuleSet {
  private static final RuleSet EMPTY = new RuleSet(List.of(), Map.of());

  private final List<CompiledRule> compiled;
  private final Map<String, List<Object>> lists;
  private final RuleSetDigest digest;

  RuleSet(List<CompiledRule> compiled, Map<String, List<Object>> lists) {
    this(compiled, lists, RuleSetDigest.of(List.of()));
  }

  RuleSet(List<CompiledRule> compiled, Map<String, List<Object>> lists, RuleSetDigest digest) {
    this.compiled = List.copyOf(compiled);
    this.lists = Map.copyOf(lists);
    this.digest = digest;
  }

  /** Which rule files, with which contents, this set was loaded from. */
  public RuleSetDigest digest() {
    return digest;
  }

  /** A set without rules. */
  public static RuleSet empty() {
    return EMPTY;
  }

  /** Every loaded rule, enabled or not, in load order. */
  public List<Rule> rules() {
    return compiled.stream().map(CompiledRule::rule).toList();
  }

  /** The named lists, as conditions see them under {@code lists}. */
  public Map<String, List<Object>> lists() {
    return lists;
  }

  /** The same set reduced to one rule (with all the lists), or empty when no rule has that id. */
  public Optional<RuleSet> only(String id) {
    return compiled.stream()
        .filter(c -> c.rule().id().equals(id))
        .findFirst()
        .map(c -> new RuleSet(List.of(c), lists, digest));
  }

  /** Number of loaded rules, enabled or not. */
  public int size() {
    return compiled.size();
  }

  List<CompiledRule> compiled() {
    return compiled;
  }
}

package dev.dockward.rules;

import java.util.List;

/**
 * What {@link RuleLoader#load} produced: every rule that loaded, and every problem found on the
 * way. Loading never throws; a broken rule or file is dropped and reported here.
 *
 * @param ruleSet the rules that loaded (possibly none)
 * @param problems errors and warnings in file order
 */
public record LoadResult(RuleSet ruleSet, List<LoadProblem> problems) {

  /** Copies the problem list. */
  public LoadResult {
    problems = List.copyOf(problems);
  }

  /** True when at least one problem is an error, i.e. something was not loaded. */
  public boolean hasErrors() {
    return problems.stream().anyMatch(LoadProblem::isError);
  }
}

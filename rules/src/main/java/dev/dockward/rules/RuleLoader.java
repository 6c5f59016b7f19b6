package dev.dockward.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads rule files into a {@link RuleSet}. Two passes: first every file's lists (so a rule may use
 * a list from another file), then every rule. Never throws: broken rules and files are dropped and
 * reported in the {@link LoadResult}. Duplicate rule ids and list names are errors on the later
 * one.
 */
public final class RuleLoader {
  private RuleLoader() {}

  /** Loads the files in order; see {@link LoadResult}. */
  public static LoadResult load(List<RuleFile> files) {
    List<LoadProblem> problems = new ArrayList<>();
    List<RuleFileParser.ParsedFile> parsed = new ArrayList<>();
    for (RuleFile file : files) {
      parsed.add(RuleFileParser.parse(file, problems));
    }
    Map<String, List<Object>> lists = new LinkedHashMap<>();
    Map<String, String> listOrigins = new LinkedHashMap<>();
    for (RuleFileParser.ParsedFile file : parsed) {
      for (RuleFileParser.ListDef list : file.lists()) {
        if (lists.containsKey(list.name())) {
          problems.add(
              LoadProblem.error(
                  file.file().origin(),
                  list.position(),
                  null,
                  "duplicate list '"
                      + list.name()
                      + "' (already defined in "
                      + listOrigins.get(list.name())
                      + ")"));
        } else {
          lists.put(list.name(), list.values());
          listOrigins.put(list.name(), file.file().origin() + ":" + list.position().line());
        }
      }
    }
    Map<String, List<RuleOverride>> ruleOverrides = new LinkedHashMap<>();
    for (RuleFileParser.ParsedFile file : parsed) {
      for (RuleFileParser.OverrideDraft o : file.overrides()) {
        String origin = file.file().origin();
        if (o.list().isPresent()) {
          String name = o.list().get();
          if (!lists.containsKey(name)) {
            problems.add(
                LoadProblem.error(
                    origin, o.position(), null, "override of unknown list '" + name + "'"));
          } else {
            List<Object> extended = new ArrayList<>(lists.get(name));
            extended.addAll(o.append());
            lists.put(name, List.copyOf(extended));
          }
        } else {
          ruleOverrides
              .computeIfAbsent(o.rule().get(), k -> new ArrayList<>())
              .add(new RuleOverride(origin, o));
        }
      }
    }
    RuleCompiler compiler = new RuleCompiler(lists);
    List<CompiledRule> compiled = new ArrayList<>();
    Map<String, String> ruleOrigins = new LinkedHashMap<>();
    Set<String> ids = new HashSet<>();
    for (RuleFileParser.ParsedFile file : parsed) {
      String origin = file.file().origin();
      for (RuleFileParser.RuleDraft draft : file.rules()) {
        if (ids.contains(draft.id())) {
          problems.add(
              LoadProblem.error(
                  origin,
                  draft.position(),
                  draft.id(),
                  "duplicate rule id (already defined in " + ruleOrigins.get(draft.id()) + ")"));
          continue;
        }
        // The id is taken even when the rule fails to compile: the later one is still the
        // duplicate.
        ids.add(draft.id());
        ruleOrigins.put(draft.id(), origin + ":" + draft.position().line());
        compiler
            .compile(
                overridden(draft, ruleOverrides.getOrDefault(draft.id(), List.of())),
                origin,
                file.source(),
                problems)
            .ifPresent(compiled::add);
      }
    }
    ruleOverrides.forEach(
        (id, overrides) -> {
          if (!ids.contains(id)) {
            overrides.forEach(
                o ->
                    problems.add(
                        LoadProblem.error(
                            o.origin(),
                            o.draft().position(),
                            id,
                            "override of unknown rule '" + id + "'")));
          }
        });
    return new LoadResult(
        new RuleSet(compiled, lists, RuleSetDigest.of(files)), inFileOrder(files, problems));
  }

  /** An override and the file it was written in. */
  private record RuleOverride(String origin, RuleFileParser.OverrideDraft draft) {}

  /**
   * The rule as the overrides leave it: later overrides win for enabled and severity; exceptions
   * add up.
   */
  private static RuleFileParser.RuleDraft overridden(
      RuleFileParser.RuleDraft d, List<RuleOverride> overrides) {
    boolean enabled = d.enabled();
    Severity severity = d.severity();
    List<RuleFileParser.ExceptionDraft> exceptions = new ArrayList<>(d.exceptions());
    for (RuleOverride o : overrides) {
      enabled = o.draft().enabled().orElse(enabled);
      severity = o.draft().severity().orElse(severity);
      exceptions.addAll(o.draft().exceptions());
    }
    return new RuleFileParser.RuleDraft(
        d.id(),
        d.position(),
        d.description(),
        d.condition(),
        severity,
        d.tags(),
        d.output(),
        List.copyOf(exceptions),
        d.evidence(),
        enabled,
        d.holdFor(),
        d.window(),
        d.title(),
        d.fixtures());
  }

  /** Problems sorted by file (in the order given), then line and column; stable otherwise. */
  private static List<LoadProblem> inFileOrder(List<RuleFile> files, List<LoadProblem> problems) {
    Map<String, Integer> fileIndex = new LinkedHashMap<>();
    for (RuleFile file : files) {
      fileIndex.putIfAbsent(file.origin(), fileIndex.size());
    }
    List<LoadProblem> sorted = new ArrayList<>(problems);
    sorted.sort(
        Comparator.<LoadProblem>comparingInt(
                p -> fileIndex.getOrDefault(p.origin(), Integer.MAX_VALUE))
            .thenComparingInt(LoadProblem::line)
            .thenComparingInt(LoadProblem::column));
    return sorted;
  }
}

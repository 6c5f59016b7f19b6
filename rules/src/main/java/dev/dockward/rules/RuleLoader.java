package dev.dockward.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * Loads rule files into a {@link RuleSet}. Two passes: first every file's lists (so a rule may use a
 * list from another file), then every rule. Never throws: broken rules and files are dropped and
 * reported in the {@link LoadResult}. Duplicate rule ids and list names are errors on the later one.
 */
public final class RuleLoader {
    private RuleLoader() {
    }

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
                    problems.add(LoadProblem.error(file.file().origin(), list.position(), null, "duplicate list '"
                            + list.name() + "' (already defined in " + listOrigins.get(list.name()) + ")"));
                } else {
                    lists.put(list.name(), list.values());
                    listOrigins.put(list.name(), file.file().origin() + ":" + list.position().line());
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
                    problems.add(LoadProblem.error(origin, draft.position(), draft.id(),
                            "duplicate rule id (already defined in " + ruleOrigins.get(draft.id()) + ")"));
                    continue;
                }
                // The id is taken even when the rule fails to compile: the later one is still the duplicate.
                ids.add(draft.id());
                ruleOrigins.put(draft.id(), origin + ":" + draft.position().line());
                compiler.compile(draft, origin, file.source(), problems).ifPresent(compiled::add);
            }
        }
        return new LoadResult(new RuleSet(compiled, lists), inFileOrder(files, problems));
    }

    /** Problems sorted by file (in the order given), then line and column; stable otherwise. */
    private static List<LoadProblem> inFileOrder(List<RuleFile> files, List<LoadProblem> problems) {
        Map<String, Integer> fileIndex = new LinkedHashMap<>();
        for (RuleFile file : files) {
            fileIndex.putIfAbsent(file.origin(), fileIndex.size());
        }
        List<LoadProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.<LoadProblem>comparingInt(p -> fileIndex.getOrDefault(p.origin(), Integer.MAX_VALUE))
                .thenComparingInt(LoadProblem::line)
                .thenComparingInt(LoadProblem::column));
        return sorted;
    }
}

package dev.dockward.agent.detect;

import dev.dockward.rules.LoadProblem;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleFile;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads rule files again and again (start, SIGHUP), remembering the last version of each file that
 * loaded without error: on a reload, a file that is now broken keeps its last good version, so a
 * typo never silently removes detection from a running agent.
 */
public final class RuleReloader {
  private final Map<String, RuleFile> lastGood = new HashMap<>();

  /** Loads the bundled rules and {@code paths}, reporting every problem to {@code problems}. */
  public synchronized LoadResult load(boolean bundled, List<Path> paths, PrintWriter problems) {
    List<RuleFile> files = new ArrayList<>();
    if (bundled) {
      files.addAll(RuleFiles.bundled());
    }
    RuleFiles.ReadResult read = RuleFiles.read(paths);
    files.addAll(read.files());
    LoadResult loaded = RuleLoader.load(files);
    List<LoadProblem> all = new ArrayList<>(read.problems());
    all.addAll(loaded.problems());
    all.forEach(problems::println);

    Set<String> broken =
        loaded.problems().stream()
            .filter(LoadProblem::isError)
            .map(LoadProblem::origin)
            .collect(Collectors.toSet());
    List<RuleFile> effective = new ArrayList<>();
    boolean substituted = false;
    for (RuleFile f : files) {
      RuleFile previous = lastGood.get(f.origin());
      if (broken.contains(f.origin()) && previous != null) {
        problems.println(
            f.origin() + ": keeping the version that loaded before, until this one is fixed");
        effective.add(previous);
        substituted = true;
      } else {
        effective.add(f);
        if (!broken.contains(f.origin())) {
          lastGood.put(f.origin(), f);
        }
      }
    }
    problems.flush();
    LoadResult result = substituted ? RuleLoader.load(effective) : loaded;
    return new LoadResult(result.ruleSet(), all);
  }
}

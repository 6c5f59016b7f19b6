package dev.dockward.agent.detect;

import dev.dockward.rules.LoadProblem;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleFile;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads the bundled rules and the configured files, reporting every problem to a stream. */
public final class RuleSetLoading {
  private RuleSetLoading() {}

  /** The loaded rules, with the problems of reading the files and of loading them together. */
  public static LoadResult load(boolean bundled, List<Path> paths, PrintWriter problems) {
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
    problems.flush();
    return new LoadResult(loaded.ruleSet(), all);
  }
}

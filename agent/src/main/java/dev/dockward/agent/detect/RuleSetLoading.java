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

  public static LoadResult load(boolean bundled, List<Path> paths, PrintWriter problems) {
    List<RuleFile> files = new ArrayList<>();
    if (bundled) {
      files.addAll(RuleFiles.bundled());
    }
    List<LoadProblem> readProblems = new ArrayList<>();
    files.addAll(RuleFiles.read(paths, readProblems));
    LoadResult result = new RuleLoader().load(files);
    for (LoadProblem p : readProblems) {
      problems.println(p);
    }
    for (LoadProblem p : result.problems()) {
      problems.println(p);
    }
    return result.withProblems(readProblems);
  }
}

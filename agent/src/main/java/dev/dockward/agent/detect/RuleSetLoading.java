package dev.dockward.agent.detect;

import dev.dockward.rules.LoadResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** One-off loading of the bundled rules and the given files (checks, listings, tests). */
public final class RuleSetLoading {
  private RuleSetLoading() {}

  /** The loaded rules, with the problems of reading the files and of loading them together. */
  public static LoadResult load(boolean bundled, List<Path> paths, PrintWriter problems) {
    return new RuleReloader().load(bundled, paths, problems);
  }
}

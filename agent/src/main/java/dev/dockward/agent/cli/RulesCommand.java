package dev.dockward.agent.cli;

import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.Rule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dockward rules check|list|show|test}. */
@Command(
    name = "rules",
    description = "Check, list, show or try rules.",
    subcommands = {
      RulesCommand.Check.class,
      RulesCommand.ListRules.class,
      RulesShowCommand.class,
      RulesTestCommand.class
    })
final class RulesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /**
   * Loads the given files alone (not the bundled ones) and reports every problem with its place.
   */
  @Command(name = "check", description = "Check rule files; exit 1 when any has an error.")
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      LoadResult result = RuleSetLoading.load(false, paths, spec.commandLine().getErr());
      out.println(
          result.ruleSet().rules().size()
              + " rules loaded, "
              + result.problems().size()
              + " problems");
      out.flush();
      return result.hasErrors() ? 1 : 0;
    }
  }

  /** Lists the rules the agent would load: bundled ones, the config's and the given extra files. */
  @Command(name = "list", description = "List the rules that would load.")
  static final class ListRules implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin RuleSelection selection;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      LoadResult result;
      try {
        result = selection.load(spec, err);
      } catch (ConfigException e) {
        err.println("dockward: " + e.getMessage());
        err.flush();
        return 2;
      }
      for (Rule r : result.ruleSet().rules()) {
        out.printf(
            "%-32s %-8s %-40s %s%n", r.id(), r.severity(), String.join(",", r.tags()), r.origin());
      }
      out.flush();
      return result.hasErrors() ? 1 : 0;
    }
  }
}

package dev.dockward.agent.cli;

import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.rules.LoadResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --config} and {@code --rules} of the commands that read rules as {@code run} would load
 * them: the bundled rules (unless the config turns them off), the config's {@code rules.paths}
 * ({@code /etc/dockward/rules.d} when no config file is found), then the given extra files.
 */
final class RuleSelection {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML config whose rules section applies (default: /etc/dockward/dockward.yaml when it exists).")
  Path config;

  @Option(
      names = "--rules",
      paramLabel = "FILE|DIR",
      description =
          "Extra rule file or directory (repeatable), beside the bundled rules and the config's rule paths "
              + "(/etc/dockward/rules.d when no config file is found).")
  List<Path> rules = new ArrayList<>();

  /** The rules run would load, every problem reported to {@code err}. */
  LoadResult load(CommandSpec spec, PrintWriter err) throws ConfigException {
    ConfigChoice choice = ConfigChoice.resolve(config, DockwardCli.installed(spec));
    return RuleSetLoading.load(choice.config().rules().bundled(), choice.rulePaths(rules), err);
  }
}

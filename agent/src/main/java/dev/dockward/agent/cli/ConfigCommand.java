package dev.dockward.agent.cli;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.config.ConfigLoader;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.rules.LoadResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dockward config check FILE}. */
@Command(
    name = "config",
    description = "Check a configuration file.",
    subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Loads the file as {@code run} would, and the rule files it names; exit 1 on any error. */
  @Command(
      name = "check",
      description = "Validate a config file and the rules it names; exit 1 on errors.")
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "FILE",
        arity = "0..1",
        description = "The config file (default /etc/dockward/dockward.yaml).")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (file == null) {
        file = DockwardCli.installed(spec).configFile();
        if (!Files.isRegularFile(file)) {
          err.println("dockward: no config file given and " + file + " does not exist");
          err.flush();
          return 2;
        }
      }
      AgentConfig config;
      try {
        config = new ConfigLoader().load(file);
      } catch (ConfigException e) {
        err.println(e.getMessage());
        err.flush();
        return 1;
      }
      List<Path> paths = config.rules().paths().stream().map(Path::of).toList();
      LoadResult rules = RuleSetLoading.load(config.rules().bundled(), paths, err);
      out.println(
          file
              + ": config ok; "
              + rules.ruleSet().rules().size()
              + " rules load, "
              + rules.problems().size()
              + " rule problems");
      out.flush();
      return rules.hasErrors() ? 1 : 0;
    }
  }
}

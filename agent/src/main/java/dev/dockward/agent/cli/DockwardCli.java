package dev.dockward.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dockward}: the agent's command line. Exit codes: 0 success, 1 problems found (broken
 * rules, failed checks), 2 unusable input or environment (bad config, unwritable journal).
 */
@Command(name = "dockward", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Host-side runtime anomaly detector for Docker hosts.",
    subcommands = {RunCommand.class, ReplayCommand.class, RulesCommand.class, VersionCommand.class,
        CommandLine.HelpCommand.class})
public final class DockwardCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DockwardCli());
    cli.setExitCodeOnInvalidInput(2);
    cli.setExitCodeOnExecutionException(2);
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}

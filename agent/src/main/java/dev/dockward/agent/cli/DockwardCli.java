package dev.dockward.agent.cli;

import dev.dockward.agent.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dockward}: the agent's command line. Exit codes: 0 success, 1 problems found (broken
 * rules, failed checks), 2 unusable input or environment (bad config, unwritable journal).
 */
// INHERIT: --help (and --version) on every command and subcommand, as their peers' CLIs have.
@Command(
    name = "dockward",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = VersionCommand.Provider.class,
    description = "Host-side runtime anomaly detector for Docker hosts.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:problems found (rules check, config check, posture --fail-on, replay --verify)",
      "2:unusable input or environment (bad config, unwritable journal, no rule loaded, metrics port taken)"
    },
    subcommands = {
      RunCommand.class,
      ReplayCommand.class,
      RulesCommand.class,
      PostureCommand.class,
      ConfigCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class DockwardCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final InstalledFiles installed;

  private DockwardCli(InstalledFiles installed) {
    this.installed = installed;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, with the installed files under {@code /etc/dockward}. */
  public static CommandLine commandLine() {
    return commandLine(InstalledFiles.SYSTEM_ETC);
  }

  /**
   * The configured command line, with {@code dockward.yaml} and {@code rules.d} looked for in
   * {@code etc} instead of {@code /etc/dockward} (tests).
   */
  public static CommandLine commandLine(Path etc) {
    // picocli answers invalid usage with 2, as our own commands do for unusable input.
    return new CommandLine(new DockwardCli(new InstalledFiles(etc)))
        .setCaseInsensitiveEnumValuesAllowed(true)
        // Durations read once, at parse: a bad one is a usage error naming its option.
        .registerConverter(Duration.class, Durations::parse);
  }

  /** Where the command line of {@code spec} looks for the installed config and rules. */
  static InstalledFiles installed(CommandLine.Model.CommandSpec spec) {
    return ((DockwardCli) spec.root().userObject()).installed;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}

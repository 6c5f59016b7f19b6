package dev.dockward.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dockward version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("dockward " + version());
    return 0;
  }

  static String version() {
    return dev.dockward.agent.AgentVersion.get();
  }

  /** Gives {@code --version} the same answer. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dockward " + version()};
    }
  }
}

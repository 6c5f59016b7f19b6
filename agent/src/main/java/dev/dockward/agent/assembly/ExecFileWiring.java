package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.execfile.ExecFileSource;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file of every exec in a container, recorded at exec time for the netlink exec events to take
 * ({@code sources.netlink.exec_files}, on by default), whatever the audit setting.
 */
final class ExecFileWiring {
  private static final Logger log = LoggerFactory.getLogger(ExecFileWiring.class);

  private ExecFileWiring() {}

  /**
   * The watch, offered to netlink through the links; none (said once) when netlink is off or
   * fanotify is unavailable here, and netlink then takes no exec files.
   */
  static Optional<ExecFileSource> execFiles(AgentConfig.Netlink netlink, SourceContext context) {
    if (!netlink.enabled()) {
      return context.disabled(ExecFileSource.NAME, "sources.netlink.enabled");
    }
    if (!netlink.execFiles()) {
      return context.disabled(ExecFileSource.NAME, "sources.netlink.exec_files");
    }
    try {
      ExecFileSource watch = ExecFileSource.open(context.hostFs(), context.inventory()::running);
      context.links().offerExecFiles(watch);
      return Optional.of(watch);
    } catch (IOException e) {
      log.warn("no fanotify ({}): exec events of processes that end at once have no exe", e.getMessage());
      return context.unavailable(ExecFileSource.NAME, "no fanotify (" + e.getMessage() + ", the agent needs "
          + "CAP_SYS_ADMIN): exec events of processes that end before they are read have no exe");
    }
  }
}

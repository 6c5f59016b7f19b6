package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.docker.DaemonEvent;
import dev.dockward.execfile.ContainerInits;
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
   * fanotify is unavailable here, and netlink then takes no exec files. A container's mounts are
   * marked as soon as the inventory has its start (Docker's start event, inspected); the daemon's
   * events say when Docker is followed, and a reconnection asks for a reconciliation pass. With the
   * Docker source off, the containers are found in /proc by that pass alone.
   */
  static Optional<ExecFileSource> execFiles(AgentConfig.Sources sources, SourceContext context) {
    AgentConfig.Netlink netlink = sources.netlink();
    if (!netlink.enabled()) {
      return context.disabled(ExecFileSource.NAME, "sources.netlink.enabled");
    }
    if (!netlink.execFiles()) {
      return context.disabled(ExecFileSource.NAME, "sources.netlink.exec_files");
    }
    try {
      ExecFileSource watch =
          ExecFileSource.open(
              context.hostFs(),
              ContainerInits.of(context.inventory()::running),
              ContainerInits.fromProc(context.reader()));
      context.inventory().onRun(watch::containerStarted, watch::containerEnded);
      context.links().onDaemonEvent(e -> followed(watch, e));
      watch.dockerFollowed(sources.docker().enabled());
      context.links().offerExecFiles(watch);
      return Optional.of(watch);
    } catch (IOException e) {
      log.warn(
          "no fanotify ({}): exec events of processes that end at once have no exe",
          e.getMessage());
      return context.unavailable(
          ExecFileSource.NAME,
          "no fanotify ("
              + e.getMessage()
              + ", the agent needs "
              + "CAP_SYS_ADMIN): exec events of processes that end before they are read have no exe");
    }
  }

  /**
   * The Docker source's own events: followed from a connection, not after a loss; either asks for a
   * pass at once (after a loss it finds in /proc the containers Docker did not tell of).
   */
  private static void followed(ExecFileSource watch, DaemonEvent e) {
    if (!"daemon".equals(e.type())) {
      return;
    }
    if ("connect".equals(e.action())) {
      watch.dockerFollowed(true);
      watch.reconcileNow();
    } else if ("disconnect".equals(e.action())) {
      watch.dockerFollowed(false);
      watch.reconcileNow();
    }
  }
}

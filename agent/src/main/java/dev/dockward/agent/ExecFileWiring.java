package dev.dockward.agent;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.health.SensorStates;
import dev.dockward.docker.DockerInventory;
import dev.dockward.execfile.ExecFileWatch;
import dev.dockward.execfile.ExecFiles;
import dev.dockward.hostfs.HostFs;
import dev.dockward.source.Source;
import java.io.IOException;
import java.util.function.Consumer;
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
   * The watch, added to {@code sources}; {@link ExecFiles#NONE} (said once) when netlink is off or
   * fanotify is unavailable here.
   */
  static ExecFiles execFiles(AgentConfig config, HostFs hostFs, DockerInventory inventory, SensorStates sensors,
      Consumer<Source> sources) {
    if (!config.sources().netlink().enabled()) {
      sensors.disabled(ExecFileWatch.NAME, "sources.netlink.enabled");
      return ExecFiles.NONE;
    }
    if (!config.sources().netlink().execFiles()) {
      sensors.disabled(ExecFileWatch.NAME, "sources.netlink.exec_files");
      return ExecFiles.NONE;
    }
    try {
      ExecFileWatch watch = ExecFileWatch.open(hostFs, inventory::running);
      sources.accept(watch);
      return watch;
    } catch (IOException e) {
      log.warn("no fanotify ({}): exec events of processes that end at once have no exe", e.getMessage());
      sensors.unavailable(ExecFileWatch.NAME, "no fanotify (" + e.getMessage() + ", the agent needs "
          + "CAP_SYS_ADMIN): exec events of processes that end before they are read have no exe");
      return ExecFiles.NONE;
    }
  }
}

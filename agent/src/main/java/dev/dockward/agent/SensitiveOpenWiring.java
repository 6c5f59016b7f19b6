package dev.dockward.agent;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.health.SensorStates;
import dev.dockward.docker.DockerInventory;
import dev.dockward.fileopen.SensitiveFiles;
import dev.dockward.fileopen.SensitiveOpenWatch;
import dev.dockward.hostfs.HostFs;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The watch for credentials files opened in containers, part of the host watch ({@code sources.host_watch}). */
final class SensitiveOpenWiring {
  private static final Logger log = LoggerFactory.getLogger(SensitiveOpenWiring.class);
  private static final String SETTING = "sources.host_watch.enabled";

  private SensitiveOpenWiring() {}

  /** The watch, unless the host watch is off or fanotify is unavailable here (then said once). */
  static Optional<SensitiveOpenWatch> sensitiveOpens(AgentConfig config, HostFs hostFs, HostReference reference,
      ProcReader reader, DockerInventory inventory, SensorStates sensors) {
    if (!config.sources().hostWatch().enabled()) {
      sensors.disabled(SensitiveOpenWatch.NAME, SETTING);
      return Optional.empty();
    }
    try {
      return Optional.of(SensitiveOpenWatch.open(hostFs, reference, reader, inventory::running, inventory::byId,
          Clock.systemUTC(), SensitiveFiles.DEFAULT));
    } catch (IOException e) {
      log.warn("no fanotify ({}): credentials files opened in containers are not seen", e.getMessage());
      sensors.unavailable(SensitiveOpenWatch.NAME, "no fanotify (" + e.getMessage() + ", the agent needs "
          + "CAP_SYS_ADMIN): credentials files opened in containers are not seen");
      return Optional.empty();
    }
  }
}

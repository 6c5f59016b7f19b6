package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.fileopen.SensitiveFiles;
import dev.dockward.fileopen.SensitiveOpenSource;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch for credentials files opened in containers, part of the host watch ({@code
 * sources.host_watch}).
 */
final class SensitiveOpenWiring {
  private static final Logger log = LoggerFactory.getLogger(SensitiveOpenWiring.class);

  private SensitiveOpenWiring() {}

  /** The watch, unless the host watch is off or fanotify is unavailable here (then said once). */
  static Optional<SensitiveOpenSource> sensitiveOpens(
      AgentConfig.HostWatch hostWatch, SourceContext context) {
    if (!hostWatch.enabled()) {
      return context.disabled(SensitiveOpenSource.NAME, HostWatchWiring.SETTING);
    }
    try {
      return Optional.of(
          SensitiveOpenSource.open(
              context.hostFs(),
              context.reference(),
              context.reader(),
              context.inventory()::running,
              context.inventory()::byId,
              context.clock(),
              SensitiveFiles.DEFAULT));
    } catch (IOException e) {
      log.warn(
          "no fanotify ({}): credentials files opened in containers are not seen", e.getMessage());
      return context.unavailable(
          SensitiveOpenSource.NAME,
          "no fanotify ("
              + e.getMessage()
              + ", the agent needs "
              + "CAP_SYS_ADMIN): credentials files opened in containers are not seen");
    }
  }
}

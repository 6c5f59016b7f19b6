package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.audit.AuditExecSource;
import dev.dockward.audit.AuditUnavailableException;
import dev.dockward.event.ContainerInfo;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit exec source ({@code sources.audit}), when enabled and usable here. */
final class AuditWiring {
  private static final Logger log = LoggerFactory.getLogger(AuditWiring.class);

  private AuditWiring() {}

  /**
   * The audit source, or empty (said once, and put in {@code sensors}) when it is off or audit
   * cannot be used; then the netlink source keeps reporting exec events. While it reports them it
   * says so in {@link SourceLinks#auditReportsExecs}.
   */
  static Optional<AuditExecSource> audit(AgentConfig.Audit audit, SourceContext context) {
    if (!audit.enabled()) {
      return context.disabled(AuditExecSource.NAME, "sources.audit.enabled");
    }
    try {
      AuditExecSource source =
          AuditExecSource.open(
              context.reader(),
              AuditExecSource.Settings.DEFAULT,
              context.links().auditReportsExecs(),
              context.links().packetSockets(),
              context.hostFs(),
              kernelCommandLine(context.hostFs()));
      // Read watches on each running container's sensitive files, from its start to its end.
      context.inventory().onRun(source::containerStarted, source::containerEnded);
      for (ContainerInfo c : context.inventory().running()) {
        c.initPid().ifPresent(pid -> source.containerStarted(c.id(), pid));
      }
      return Optional.of(source);
    } catch (AuditUnavailableException | RuntimeException e) {
      log.warn(
          "audit exec events unavailable ({}); exec events come from netlink, whose arguments race "
              + "short-lived processes",
          e.getMessage());
      return context.unavailable(
          AuditExecSource.NAME,
          "no audit exec events ("
              + e.getMessage()
              + "); exec events come from netlink without the arguments of processes that end at once");
    }
  }

  /** The host's kernel command line, "" when unreadable. */
  private static String kernelCommandLine(HostFs hostFs) {
    try {
      return Files.readString(hostFs.proc().resolve("cmdline"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}

package dev.dockward.agent;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.health.SensorStates;
import dev.dockward.audit.AuditExecSource;
import dev.dockward.audit.AuditUnavailableException;
import dev.dockward.hostfs.HostFs;
import dev.dockward.proc.ProcReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit exec source ({@code sources.audit}), when enabled and usable here. */
final class AuditWiring {
  private static final Logger log = LoggerFactory.getLogger(AuditWiring.class);

  private AuditWiring() {}

  /**
   * The audit source, or empty (said once, and put in {@code sensors}) when it is off or audit
   * cannot be used; then the netlink source keeps reporting exec events.
   *
   * @param reporting set while the audit source reports exec events
   */
  static Optional<AuditExecSource> auditSource(AgentConfig config, HostFs hostFs, ProcReader reader,
      AtomicBoolean reporting, SensorStates sensors) {
    if (!config.sources().audit().enabled()) {
      sensors.disabled(AuditExecSource.NAME, "sources.audit.enabled");
      return Optional.empty();
    }
    try {
      return Optional.of(AuditExecSource.open(reader, AuditExecSource.Settings.DEFAULT, reporting,
          kernelCommandLine(hostFs)));
    } catch (AuditUnavailableException | RuntimeException e) {
      log.warn("audit exec events unavailable ({}); exec events come from netlink, whose arguments race "
          + "short-lived processes", e.getMessage());
      sensors.unavailable(AuditExecSource.NAME, "no audit exec events (" + e.getMessage()
          + "); exec events come from netlink without the arguments of processes that end at once");
      return Optional.empty();
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

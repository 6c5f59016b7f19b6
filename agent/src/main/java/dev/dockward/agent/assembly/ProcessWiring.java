package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.Durations;
import dev.dockward.netlink.NetlinkProcessSource;
import dev.dockward.netlink.NetlinkUnavailableException;
import dev.dockward.proc.ProcScanSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process sources: the kernel's process connector ({@code sources.netlink}) and the /proc scan
 * ({@code sources.proc_scan}).
 */
final class ProcessWiring {
  private static final Logger log = LoggerFactory.getLogger(ProcessWiring.class);

  private ProcessWiring() {}

  /** The /proc scan, unless it is off; it offers netlink its rescan. */
  static Optional<ProcScanSource> procScan(AgentConfig.ProcScan procScan, SourceContext context) {
    if (!procScan.enabled()) {
      return context.disabled(ProcScanSource.NAME, "sources.proc_scan.enabled");
    }
    ProcScanSource scan =
        new ProcScanSource(
            context.reader(), procScan.interval(), context.clock(), context.links().seen());
    context.links().offerProcessRescan(scan::rescanNow);
    return Optional.of(scan);
  }

  /**
   * Real-time process events, unless netlink is off or the kernel offers no process connector (then
   * said once, with what the /proc scan still sees). While the audit source runs it alone reports
   * exec events.
   */
  static Optional<NetlinkProcessSource> netlink(
      AgentConfig.Sources sources, SourceContext context) {
    if (!sources.netlink().enabled()) {
      return context.disabled(NetlinkProcessSource.NAME, "sources.netlink.enabled");
    }
    SourceLinks links = context.links();
    try {
      return Optional.of(
          NetlinkProcessSource.open(
              context.reader(),
              links.seen(),
              links::rescanProcesses,
              context.clock(),
              NetlinkProcessSource.Settings.DEFAULT,
              links.auditReportsExecs()::get,
              links.execFiles()));
    } catch (NetlinkUnavailableException e) {
      AgentConfig.ProcScan procScan = sources.procScan();
      String fallback =
          !procScan.enabled()
              ? "the /proc scan is disabled too: no process events"
              : "processes come from the /proc scan every "
                  + Durations.format(procScan.interval())
                  + ", short-lived ones are missed";
      log.warn("netlink process events unavailable ({}); {}", e.getMessage(), fallback);
      return context.unavailable(
          NetlinkProcessSource.NAME,
          "no netlink process connector (" + e.getMessage() + "); " + fallback);
    }
  }
}

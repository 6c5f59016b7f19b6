package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.cgroup.CgroupResourceSource;
import java.util.Optional;

/** The containers' cgroup samples ({@code sources.cgroup}). */
final class CgroupWiring {
  private CgroupWiring() {}

  /** The sampler, unless it is off. */
  static Optional<CgroupResourceSource> cgroup(AgentConfig.Cgroup cgroup, SourceContext context) {
    if (!cgroup.enabled()) {
      return context.disabled(CgroupResourceSource.NAME, "sources.cgroup.enabled");
    }
    // The agent runs on the host (systemd unit), so the JVM sees the host's CPUs.
    return Optional.of(
        new CgroupResourceSource(
            context.hostFs(),
            context.inventory()::running,
            cgroup.interval(),
            context.clock(),
            Runtime.getRuntime().availableProcessors()));
  }
}

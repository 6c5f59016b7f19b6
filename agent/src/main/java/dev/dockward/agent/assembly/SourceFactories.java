package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.source.Source;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every source the agent can run, in start order: the one place a new sensor is added. Docker comes
 * first, since its initial listing fills the inventory the others' events are enriched from.
 */
final class SourceFactories {
  static final List<Entry<?>> ALL =
      List.of(
          entry(c -> c.sources().docker(), DockerWiring::docker),
          entry(c -> c.sources().audit(), AuditWiring::audit),
          entry(AgentConfig::sources, ExecFileWiring::execFiles),
          entry(AgentConfig::sources, ProcessWiring::netlink),
          entry(c -> c.sources().procScan(), ProcessWiring::procScan),
          entry(c -> c.sources().cgroup(), CgroupWiring::cgroup),
          entry(c -> c.sources().hostWatch(), HostWatchWiring::hostWatch),
          entry(c -> c.sources().hostWatch(), HostWatchWiring::hostWrites),
          entry(c -> c.sources().hostWatch(), SensitiveOpenWiring::sensitiveOpens),
          entry(AgentConfig::sources, HostWatchWiring::socketWatch),
          entry(c -> c.sources().network(), NetworkWiring::network),
          entry(c -> c, PostureWiring::posture));

  private SourceFactories() {}

  /** A factory with the section of the configuration it reads. */
  record Entry<C>(Function<AgentConfig, C> section, SourceFactory<C> factory) {
    Optional<? extends Source> open(AgentConfig config, SourceContext context) {
      return factory.open(section.apply(config), context);
    }
  }

  private static <C> Entry<C> entry(Function<AgentConfig, C> section, SourceFactory<C> factory) {
    return new Entry<>(section, factory);
  }
}

package dev.dockward.agent.assembly;

import dev.dockward.agent.AgentVersion;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.lifecycle.AgentLifecycleSource;
import dev.dockward.agent.pipeline.Pipeline;
import dev.dockward.source.Source;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's own records ({@code agent_started}, heartbeats, {@code agent_stopped}): the one
 * source built after the others, since it reports on them and on the pipeline.
 */
final class LifecycleWiring {
  private LifecycleWiring() {}

  /** The lifecycle source, heartbeating every {@code pipeline.heartbeat}. */
  static AgentLifecycleSource lifecycle(
      AgentConfig.Pipeline section,
      SourceContext context,
      List<Source> sources,
      Pipeline pipeline) {
    // Events lost for good: records the journal refused, and what sources declare as losses.
    return new AgentLifecycleSource(
        () ->
            pipeline.stats().journalFailures()
                + pipeline.stats().unrecordable()
                + sourceLosses(sources),
        section.heartbeat(),
        context.clock(),
        AgentVersion.get(),
        Optional.of(context.machine()),
        context.sensors()::now,
        pipeline::journalAccepting);
  }

  /** The events the sources lost for good: the sum of the counters each declares as losses. */
  static long sourceLosses(List<Source> sources) {
    long lost = 0;
    for (Source s : sources) {
      Map<String, Long> counters = s.counters();
      for (String loss : s.losses()) {
        lost += counters.getOrDefault(loss, 0L);
      }
    }
    return lost;
  }
}

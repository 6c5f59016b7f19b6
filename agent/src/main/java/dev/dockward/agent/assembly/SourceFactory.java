package dev.dockward.agent.assembly;

import dev.dockward.source.Source;
import java.util.Optional;

/**
 * Builds one source from its configuration section and what all sources share. The source is not
 * started yet; its health, counters and losses are its own ({@link Source}).
 *
 * @param <C> the configuration section the source reads
 */
@FunctionalInterface
interface SourceFactory<C> {
  /**
   * The source, or empty when the configuration turns it off or it cannot run here; either way the
   * factory puts it in {@link SourceContext#sensors} with the reason.
   */
  Optional<? extends Source> open(C section, SourceContext context);
}

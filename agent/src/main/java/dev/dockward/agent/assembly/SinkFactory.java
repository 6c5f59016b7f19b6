package dev.dockward.agent.assembly;

import dev.dockward.agent.ship.Shipper;
import java.util.Optional;

/**
 * Builds the shipper of one sink from its configuration section and what all sinks share. The
 * shipper is not started yet; what it shipped, failed and holds in flight are its own ({@link
 * Shipper}).
 *
 * @param <C> the configuration section the sink reads
 */
@FunctionalInterface
interface SinkFactory<C> {
  /** The shipper, or empty when the configuration turns the sink off. */
  Optional<Shipper> open(C section, SinkContext context);
}

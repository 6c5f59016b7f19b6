package dev.dockward.agent.pipeline;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.source.ContainerDirectory;
import java.util.Optional;

/**
 * Fills in a container known only by its id (from a cgroup path): from the Docker inventory, else
 * from the snapshot of it the pipeline saw last (the container may be gone by now).
 */
final class Enricher {
  /** Containers whose snapshot is kept after they left the inventory. */
  static final int SNAPSHOTS = 1024;

  private final ContainerDirectory directory;
  private final ContainerSnapshots snapshots = new ContainerSnapshots(SNAPSHOTS);
  private final PipelineStats stats;

  Enricher(ContainerDirectory directory, PipelineStats stats) {
    this.directory = directory;
    this.stats = stats;
  }

  Event enrich(Event event) {
    Optional<ContainerInfo> container = event.container();
    if (container.isEmpty()) {
      return event;
    }
    if (container.get().resolved()) {
      snapshots.remember(container.get());
      return event;
    }
    String id = container.get().id();
    Optional<ContainerInfo> known = directory.byId(id);
    if (known.isPresent()) {
      snapshots.remember(known.get());
      return event.withContainer(known.get());
    }
    Optional<ContainerInfo> snapshot = snapshots.byId(id);
    if (snapshot.isPresent()) {
      stats.containersFromSnapshot.increment();
      return event.withContainer(snapshot.get());
    }
    stats.containersUnresolved.increment();
    return event;
  }
}

package dev.dockward.agent.pipeline;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.source.ContainerDirectory;
import java.util.Optional;

/** Fills in a container known only by its id (from a cgroup path) from the Docker inventory. */
final class Enricher {
  private final ContainerDirectory directory;

  Enricher(ContainerDirectory directory) {
    this.directory = directory;
  }

  Event enrich(Event event) {
    Optional<ContainerInfo> container = event.container();
    if (container.isEmpty() || container.get().resolved()) {
      return event;
    }
    return directory.byId(container.get().id()).map(event::withContainer).orElse(event);
  }
}

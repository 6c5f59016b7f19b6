package dev.dockward.agent.pipeline;

import dev.dockward.event.ContainerInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The containers the pipeline saw resolved lately (what their {@code container_start} and other
 * records journalled), by id, so an event that arrives after its container was removed from the
 * inventory is still told its name, image and labels. Bounded: the least recently seen go first.
 * Used by the pipeline's one thread.
 */
final class ContainerSnapshots {
  private final Map<String, ContainerInfo> byId;

  ContainerSnapshots(int capacity) {
    this.byId =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ContainerInfo> eldest) {
            return size() > capacity;
          }
        };
  }

  void remember(ContainerInfo container) {
    byId.put(container.id(), container);
  }

  Optional<ContainerInfo> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  int size() {
    return byId.size();
  }
}

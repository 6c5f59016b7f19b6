package dev.dockward.docker;

import dev.dockward.event.ContainerInfo;
import dev.dockward.source.ContainerDirectory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers the daemon has told us of, by id. Written by {@link DockerSource}; read by the
 * pipeline to enrich events from /proc (which know only the id from the cgroup path).
 */
public final class DockerInventory implements ContainerDirectory {
  private final Map<String, ContainerInfo> byId = new ConcurrentHashMap<>();

  @Override
  public Optional<ContainerInfo> byId(String id) {
    if (id.isEmpty()) {
      return Optional.empty();
    }
    ContainerInfo exact = byId.get(id);
    if (exact != null) {
      return Optional.of(exact);
    }
    // A short id (12 hex, as people and some logs write it) if it names exactly one container.
    List<ContainerInfo> matches = byId.values().stream().filter(c -> c.id().startsWith(id)).limit(2).toList();
    return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
  }

  void put(ContainerInfo container) {
    byId.put(container.id(), container);
  }

  void remove(String id) {
    byId.remove(id);
  }

  Collection<ContainerInfo> all() {
    return List.copyOf(byId.values());
  }

  /** The containers that run now (those with an init pid), e.g. for the cgroup sampler. */
  public List<ContainerInfo> running() {
    return byId.values().stream().filter(c -> c.initPid().isPresent()).toList();
  }

  public int size() {
    return byId.size();
  }
}

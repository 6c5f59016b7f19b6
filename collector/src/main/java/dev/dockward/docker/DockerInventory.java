package dev.dockward.docker;

import dev.dockward.event.ContainerInfo;
import dev.dockward.source.ContainerDirectory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers the daemon has told us of, by id. Written by {@link DockerSource}; read by the
 * pipeline to enrich events from /proc (which know only the id from the cgroup path).
 */
public final class DockerInventory implements ContainerDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DockerInventory.class);

  private final Map<String, ContainerInfo> byId = new ConcurrentHashMap<>();
  private final List<RunListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Told on the Docker source's thread as the inventory learns that a run began or ended, so a
   * watch can act on a container the moment its inspection is in, without polling the inventory.
   * Must return quickly and not throw.
   */
  public interface RunListener {
    /**
     * {@code container} runs with an init pid it did not have in the inventory before (a start, or
     * a listing).
     */
    void running(ContainerInfo container);

    /** The container with {@code id} stopped or was removed. */
    void ended(String id);
  }

  /** Adds {@code listener}, told of every run that begins or ends from now on. */
  public void onRun(RunListener listener) {
    listeners.add(listener);
  }

  /**
   * Adds a listener by container id and init pid: {@code started} for each run that begins, {@code
   * stopped} for each that ends (the shape the watches that follow containers take).
   */
  public void onRun(ObjLongConsumer<String> started, Consumer<String> stopped) {
    onRun(
        new RunListener() {
          @Override
          public void running(ContainerInfo container) {
            container.initPid().ifPresent(pid -> started.accept(container.id(), pid));
          }

          @Override
          public void ended(String id) {
            stopped.accept(id);
          }
        });
  }

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
    List<ContainerInfo> matches =
        byId.values().stream().filter(c -> c.id().startsWith(id)).limit(2).toList();
    return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
  }

  void put(ContainerInfo container) {
    ContainerInfo before = byId.put(container.id(), container);
    boolean ranBefore = before != null && before.initPid().isPresent();
    if (container.initPid().isPresent()
        && (!ranBefore || !before.initPid().equals(container.initPid()))) {
      tell(l -> l.running(container));
    } else if (container.initPid().isEmpty() && ranBefore) {
      tell(l -> l.ended(container.id()));
    }
  }

  void remove(String id) {
    ContainerInfo before = byId.remove(id);
    if (before != null && before.initPid().isPresent()) {
      tell(l -> l.ended(id));
    }
  }

  private void tell(Consumer<RunListener> call) {
    for (RunListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) { // a listener's failure is its own: the inventory stays current
        LOG.warn("container run listener failed: {}", e.toString());
      }
    }
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

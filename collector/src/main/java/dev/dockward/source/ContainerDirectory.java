package dev.dockward.source;

import dev.dockward.event.ContainerInfo;
import java.util.Optional;

/** Looks containers up by id (full id or unique prefix); the Docker inventory implements it. */
public interface ContainerDirectory {
  Optional<ContainerInfo> byId(String id);
}

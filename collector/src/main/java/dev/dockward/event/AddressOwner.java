package dev.dockward.event;

import java.util.Objects;
import java.util.Optional;

/**
 * Whom an address belongs to in the Docker inventory, told for a flow whose sender (known by its
 * MAC) used an address that is not its own.
 *
 * @param kind a container, the host, or external (no one Docker knows)
 * @param name the container's name, {@code host}, or the address itself
 * @param containerId the container's id, for {@link FlowPeer.Kind#CONTAINER}
 */
public record AddressOwner(FlowPeer.Kind kind, String name, Optional<String> containerId) {
  public AddressOwner {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(containerId, "containerId");
  }
}

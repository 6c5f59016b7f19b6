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
 * @param forged what the sender wrote that is not its own: {@value #FORGED_ADDRESS} (the source
 *     address), {@value #FORGED_MAC} (the source MAC: the owner is the MAC's) or {@value
 *     #FORGED_BOTH} (both, the owner is the address's)
 */
public record AddressOwner(
    FlowPeer.Kind kind, String name, Optional<String> containerId, String forged) {
  public static final String FORGED_ADDRESS = "address";
  public static final String FORGED_MAC = "mac";
  public static final String FORGED_BOTH = "mac_and_address";

  public AddressOwner {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(forged, "forged");
  }

  /** The owner of a forged source address. */
  public AddressOwner(FlowPeer.Kind kind, String name, Optional<String> containerId) {
    this(kind, name, containerId, FORGED_ADDRESS);
  }

  /** The same owner, with what was forged. */
  public AddressOwner withForged(String what) {
    return new AddressOwner(kind, name, containerId, what);
  }
}

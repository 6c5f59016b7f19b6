package dev.dockward.agent.netpolicy;

import dev.dockward.event.ContainerInfo;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A container as the policy's selectors see it: what a live flow's container carries, and what a
 * replay finds of it in the journal.
 *
 * @param networks the names of the networks it is attached to
 */
public record PolicyPeer(
    String name, String image, Map<String, String> labels, Set<String> networks) {
  public PolicyPeer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    labels = Map.copyOf(labels);
    networks = Set.copyOf(networks);
  }

  static PolicyPeer of(ContainerInfo c) {
    return new PolicyPeer(c.name(), c.image(), c.labels(), c.networks().keySet());
  }
}

package dev.dockward.event;

import java.util.Objects;

/** A container's address on one Docker network; empty strings where Docker has none. */
public record NetworkEndpoint(
    String networkId, String ipAddress, String macAddress, String gateway) {
  public NetworkEndpoint {
    Objects.requireNonNull(networkId, "networkId");
    Objects.requireNonNull(ipAddress, "ipAddress");
    Objects.requireNonNull(macAddress, "macAddress");
    Objects.requireNonNull(gateway, "gateway");
  }
}

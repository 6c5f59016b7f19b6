package dev.dockward.event;

import java.util.Objects;

/**
 * A container port published on the host ({@code HostConfig.PortBindings}).
 *
 * @param containerPort the port inside, with its protocol, e.g. {@code 80/tcp}
 * @param hostIp the host address it is bound to; empty, {@code 0.0.0.0} or {@code ::} mean every
 *     interface
 * @param hostPort the host port, empty when Docker picks one
 */
public record PortBinding(String containerPort, String hostIp, String hostPort) {
  public PortBinding {
    Objects.requireNonNull(containerPort, "containerPort");
    Objects.requireNonNull(hostIp, "hostIp");
    Objects.requireNonNull(hostPort, "hostPort");
  }

  /** Whether the port is reachable on every host interface, not one chosen address. */
  public boolean allInterfaces() {
    return hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::");
  }
}

package dev.dockward.event;

import java.util.Objects;

/**
 * How a container's namespaces were set up: Docker's {@code PidMode}, {@code NetworkMode}, {@code
 * IpcMode}, {@code UTSMode}, {@code UsernsMode} and {@code CgroupnsMode}, empty where Docker left
 * the default.
 */
public record NamespaceModes(
    String pid, String network, String ipc, String uts, String userns, String cgroup) {
  /** Docker's defaults: nothing shared. */
  public static final NamespaceModes DEFAULT = new NamespaceModes("", "", "", "", "", "");

  public NamespaceModes {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(ipc, "ipc");
    Objects.requireNonNull(uts, "uts");
    Objects.requireNonNull(userns, "userns");
    Objects.requireNonNull(cgroup, "cgroup");
  }
}

package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.hostwatch.DaemonSocketWatch;
import dev.dockward.hostwatch.HostWatch;
import dev.dockward.hostwatch.HostWatchSource;
import dev.dockward.hostwatch.HostWriteSource;
import dev.dockward.netlink.NetlinkUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host watch (core_pattern, cgroup release agents, containers' cgroup mounts), the Docker
 * socket watch and the host write watch, as configured (all under {@code sources.host_watch}).
 */
final class HostWatchWiring {
  private static final Logger log = LoggerFactory.getLogger(HostWatchWiring.class);

  /**
   * Host directories whose file systems the write watch marks at start: where a write from a
   * container does harm.
   */
  private static final List<String> HOST_DIRECTORIES =
      List.of("/", "/etc", "/root", "/home", "/usr", "/boot", "/var");

  /** The setting that turns the host watches off (these three and the sensitive opens). */
  static final String SETTING = "sources.host_watch.enabled";

  private HostWatchWiring() {}

  /**
   * The pass-by-pass comparison of host files and container mounts, unless the host watch is off.
   */
  static Optional<HostWatchSource> hostWatch(
      AgentConfig.HostWatch hostWatch, SourceContext context) {
    if (!hostWatch.enabled()) {
      return context.disabled(HostWatchSource.NAME, SETTING);
    }
    return Optional.of(
        new HostWatchSource(
            HostWatch.attributingWriters(
                context.hostFs(),
                context.inventory()::running,
                context.reader(),
                context.links().packetSockets()),
            hostWatch.interval(),
            context.clock()));
  }

  /**
   * The watch for container processes connected to the Docker API socket, unless the host watch is
   * off or the kernel offers no unix socket diagnostics (then said once). Each Docker API event
   * asks it for a pass at once over every container's namespace: the client that caused it may
   * still be connected.
   */
  static Optional<HostWatchSource> socketWatch(AgentConfig.Sources sources, SourceContext context) {
    AgentConfig.HostWatch hostWatch = sources.hostWatch();
    if (!hostWatch.enabled()) {
      return context.disabled(DaemonSocketWatch.NAME, SETTING);
    }
    try {
      DaemonSocketWatch sockets =
          DaemonSocketWatch.open(
              context.hostFs(),
              context.reader(),
              daemonSocketPaths(sources.docker()),
              context.inventory()::running);
      HostWatchSource watch =
          new HostWatchSource(
              DaemonSocketWatch.NAME, sockets, hostWatch.socketInterval(), context.clock());
      context
          .links()
          .onDaemonEvent(
              e -> {
                sockets.listAllNext(); // the event's client may be in any container
                watch.passNow();
              });
      return Optional.of(watch);
    } catch (NetlinkUnavailableException e) {
      log.warn(
          "no unix socket diagnostics ({}): connections to the Docker socket from containers are not seen",
          e.getMessage());
      return context.unavailable(
          DaemonSocketWatch.NAME,
          "no unix socket diagnostics ("
              + e.getMessage()
              + "): connections to the Docker socket from containers are not seen");
    }
  }

  /**
   * The watch for host files written by container processes through bind mounts, unless the host
   * watch is off or fanotify is unavailable here (then said once).
   */
  static Optional<HostWriteSource> hostWrites(
      AgentConfig.HostWatch hostWatch, SourceContext context) {
    if (!hostWatch.enabled()) {
      return context.disabled(HostWriteSource.NAME, SETTING);
    }
    try {
      return Optional.of(
          HostWriteSource.open(
              context.hostFs(),
              context.reference(),
              context.reader(),
              context.inventory()::running,
              context.inventory()::byId,
              context.clock(),
              hostWatch.interval(),
              HOST_DIRECTORIES));
    } catch (IOException e) {
      log.warn(
          "no fanotify ({}): files written on the host through containers' bind mounts are not seen",
          e.getMessage());
      return context.unavailable(
          HostWriteSource.NAME,
          "no fanotify ("
              + e.getMessage()
              + ", the agent needs "
              + "CAP_SYS_ADMIN): files written on the host through containers' bind mounts are not seen");
    }
  }

  /**
   * The Docker API socket paths whose connections are watched: the configured one and the usual
   * ones.
   */
  private static Set<String> daemonSocketPaths(AgentConfig.Docker docker) {
    Set<String> paths = new LinkedHashSet<>(List.of("/var/run/docker.sock", "/run/docker.sock"));
    URI host = URI.create(docker.host());
    if ("unix".equals(host.getScheme()) && host.getPath() != null) {
      paths.add(host.getPath());
    }
    return paths;
  }
}

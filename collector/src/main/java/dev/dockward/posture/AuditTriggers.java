package dev.dockward.posture;

import dev.dockward.docker.DaemonEvent;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Docker events after which the posture may have changed, so the audit runs again without
 * waiting for its interval: a container started, stopped, removed or updated (its findings open or
 * resolve), a network created or removed, the daemon's configuration reloaded ({@code SIGHUP}), and
 * the agent (re)connected to the daemon ({@code daemon connect}, the Docker source's own event: the
 * daemon may have restarted with another configuration, or was not reachable before).
 */
public final class AuditTriggers {
  private static final Map<String, Set<String>> RELEVANT =
      Map.of(
          "container", Set.of("start", "die", "destroy", "update"),
          "network", Set.of("create", "destroy"),
          "daemon", Set.of("reload", "connect"));

  private AuditTriggers() {}

  /** Why the event calls for an audit ({@code container start}), or empty when it does not. */
  public static Optional<String> reason(DaemonEvent e) {
    Set<String> actions = RELEVANT.get(e.type());
    return actions != null && actions.contains(e.action())
        ? Optional.of(e.type() + " " + e.action())
        : Optional.empty();
  }
}

package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.config.NetworkPolicyLoader;
import dev.dockward.agent.netpolicy.EdgePolicy;
import dev.dockward.agent.netpolicy.FlowJudge;
import dev.dockward.docker.DaemonEvent;
import dev.dockward.net.CaptureUnavailableException;
import dev.dockward.net.FlowTable;
import dev.dockward.net.NetworkFlowSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The capture on Docker bridges as {@code sources.network} asks for it. */
public final class NetworkWiring {
  private static final Logger log = LoggerFactory.getLogger(NetworkWiring.class);

  private NetworkWiring() {}

  /**
   * Whether a daemon event may have added or removed a bridge: a network created or destroyed, or a
   * container started (Docker may create a network's bridge device only then). The source then
   * looks for bridges at once instead of at its next periodic rescan.
   */
  static boolean bridgesMayHaveChanged(DaemonEvent e) {
    return ("network".equals(e.type())
            && ("create".equals(e.action()) || "destroy".equals(e.action())))
        || ("container".equals(e.type()) && "start".equals(e.action()));
  }

  /** The configured policy file, read now; no file is no policy. */
  static EdgePolicy policy(AgentConfig.Network net) throws ConfigException {
    return net.policy().isBlank()
        ? EdgePolicy.NONE
        : new NetworkPolicyLoader().load(Path.of(net.policy()));
  }

  /**
   * Reads the policy file again for a running capture (SIGHUP). A file that no longer loads keeps
   * the running policy, as a broken rule file keeps its last good version.
   */
  public static void reloadPolicy(NetworkFlowSource source, AgentConfig.Network net) {
    if (source.judgement() instanceof FlowJudge judge) {
      reloadPolicy(judge, net);
    }
  }

  /** The same for the policy stage itself. */
  public static void reloadPolicy(FlowJudge judge, AgentConfig.Network net) {
    try {
      EdgePolicy next = policy(net);
      judge.replacePolicy(next);
      log.info(
          "reload: network policy {} loaded", net.policy().isBlank() ? "(none)" : net.policy());
    } catch (ConfigException e) {
      log.error("reload: {}; keeping the running network policy", e.getMessage());
    }
  }

  /**
   * The network source, when enabled and allowed: without the right to capture the agent says so
   * once and runs on without flows. The policy file was checked with the config (ConfigLoader); a
   * policy broken since is a start failure like a broken config. Its flows pass the network policy
   * stage ({@link FlowJudge}: policy, learning, scan counts) before they are delivered. Daemon
   * events that may have changed the bridges ask it for a rescan at once.
   */
  static Optional<NetworkFlowSource> network(AgentConfig.Network net, SourceContext context) {
    if (!net.enabled()) {
      return context.disabled("network", "sources.network.enabled");
    }
    EdgePolicy policy;
    try {
      policy = policy(net);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Optional<FlowJudge.Learning> learning = learning(net.learning(), context.stateDir());
    NetworkFlowSource.Settings settings =
        new NetworkFlowSource.Settings(
            net.interfaces(),
            net.snapLength(),
            (long) net.ringMb() << 20,
            net.rescanInterval(),
            new FlowTable.Settings(
                net.maxFlows(),
                net.idleTimeout(),
                net.activeTimeout(),
                FlowTable.Settings.DEFAULT.closedLinger()));
    Duration scanWindow = net.scanWindow();
    try {
      // The stage is made once capture is known to work: learning reads (or starts) its file then.
      NetworkFlowSource source =
          NetworkFlowSource.open(
              context.hostFs(),
              context.inventory()::running,
              context.clock(),
              settings,
              () -> FlowJudge.open(policy, scanWindow, learning, context.clock().instant()));
      context
          .links()
          .onDaemonEvent(
              e -> {
                if (bridgesMayHaveChanged(e)) {
                  source.rescanNow();
                }
              });
      return Optional.of(source);
    } catch (CaptureUnavailableException e) {
      log.warn(
          "network capture unavailable ({}): no flow events; everything else runs", e.getMessage());
      return context.unavailable(
          "network", "network capture unavailable (" + e.getMessage() + "): no flow events");
    }
  }

  /** Learning as configured, its file in the state directory unless set; empty when off. */
  private static Optional<FlowJudge.Learning> learning(AgentConfig.Learning l, Path stateDir) {
    if (!l.enabled()) {
      return Optional.empty();
    }
    Path file =
        l.file().isBlank() ? stateDir.resolve("network-learned-edges.json") : Path.of(l.file());
    return Optional.of(
        new FlowJudge.Learning(
            l.period(), file, l.maxEdges(), l.maxPortsPerPair(), l.scanThreshold()));
  }
}

package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.docker.DockerApi;
import dev.dockward.docker.RunningContainers;
import dev.dockward.host.HostFs;
import dev.dockward.host.MachineFactsProvider;
import dev.dockward.host.OshiMachineFacts;
import dev.dockward.posture.AuditTriggers;
import dev.dockward.posture.AuditedContainer;
import dev.dockward.posture.ContainerLister;
import dev.dockward.posture.EngineFacts;
import dev.dockward.posture.EngineProbe;
import dev.dockward.posture.PostureAudit;
import dev.dockward.posture.PostureSettings;
import dev.dockward.posture.PostureSource;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * The posture audit as the configuration asks for it, for the agent and for {@code dockward
 * posture}.
 */
public final class PostureWiring {
  private PostureWiring() {}

  /**
   * The posture source, unless the audit is off. Docker API events that may change the posture (a
   * container started, a plugin enabled…) ask it for an audit at once.
   */
  static Optional<PostureSource> posture(AgentConfig config, SourceContext context) {
    AgentConfig.Posture posture = config.posture();
    if (!posture.enabled()) {
      return context.disabled("posture", "posture.enabled");
    }
    PostureSource source =
        new PostureSource(
            postureAudit(config, context.hostFs(), context.machine())::run,
            posture.interval(),
            context.clock());
    context.links().onDaemonEvent(e -> AuditTriggers.reason(e).ifPresent(source::requestAudit));
    return Optional.of(source);
  }

  /**
   * One posture audit of this host, with the configured Docker address, minimum versions and
   * allowlist.
   */
  public static PostureAudit postureAudit(AgentConfig config) {
    HostFs hostFs = HostFs.system();
    return postureAudit(config, hostFs, new OshiMachineFacts(hostFs));
  }

  /** The same, with the machine's facts (their kernel release) from {@code machine}. */
  static PostureAudit postureAudit(
      AgentConfig config, HostFs hostFs, MachineFactsProvider machine) {
    AgentConfig.Docker docker = config.sources().docker();
    AgentConfig.Posture p = config.posture();
    return new PostureAudit(
        hostFs,
        containerLister(docker),
        engineProbe(docker),
        new PostureSettings(p.minDockerVersion(), p.minKernelVersion(), p.registryAllowlist()),
        machine);
  }

  /**
   * The running containers for the posture audit, listed afresh each audit: the inventory cannot
   * tell "no containers" from "daemon not reached yet", and an audit every few minutes can afford
   * its own short-lived client.
   */
  private static ContainerLister containerLister(AgentConfig.Docker docker) {
    return () -> {
      try (DockerApi api = api(docker)) {
        return RunningContainers.inspected(api).stream().map(AuditedContainer::parse).toList();
      }
    };
  }

  /** The engine's version and security options. */
  private static EngineProbe engineProbe(AgentConfig.Docker docker) {
    return () -> {
      try (DockerApi api = api(docker)) {
        return EngineFacts.parse(api.get("/version"), api.get("/info"));
      }
    };
  }

  private static DockerApi api(AgentConfig.Docker docker) throws IOException {
    if (!docker.enabled()) {
      throw new IOException(
          "the docker source is disabled in the configuration (sources.docker.enabled)");
    }
    return new DockerApi(URI.create(docker.host()));
  }
}

package dev.dockward.agent;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.Durations;
import dev.dockward.docker.DockerApi;
import dev.dockward.docker.RunningContainers;
import dev.dockward.host.MachineFactsProvider;
import dev.dockward.host.OshiMachineFacts;
import dev.dockward.hostfs.HostFs;
import dev.dockward.posture.AuditedContainer;
import dev.dockward.posture.ContainerLister;
import dev.dockward.posture.EngineFacts;
import dev.dockward.posture.EngineProbe;
import dev.dockward.posture.PostureAudit;
import dev.dockward.posture.PostureSettings;
import dev.dockward.posture.PostureSource;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;

/** The posture audit as the configuration asks for it, for the agent and for {@code dockward posture}. */
public final class PostureWiring {
  private PostureWiring() {}

  /** The posture source, or null when the audit is off. */
  static PostureSource postureSource(AgentConfig config, MachineFactsProvider machine) {
    AgentConfig.Posture posture = config.posture();
    if (!posture.enabled()) {
      return null;
    }
    return new PostureSource(postureAudit(config, machine)::run, Durations.parse(posture.interval()),
        Clock.systemUTC());
  }

  /** One posture audit of this host, with the configured Docker address, minimum versions and allowlist. */
  public static PostureAudit postureAudit(AgentConfig config) {
    return postureAudit(config, new OshiMachineFacts(HostFs.system()));
  }

  /** The same, with the machine's facts (their kernel release) from {@code machine}. */
  static PostureAudit postureAudit(AgentConfig config, MachineFactsProvider machine) {
    AgentConfig.Docker docker = config.sources().docker();
    AgentConfig.Posture p = config.posture();
    return new PostureAudit(HostFs.system(), containerLister(docker), engineProbe(docker),
        new PostureSettings(p.minDockerVersion(), p.minKernelVersion(), p.registryAllowlist()), machine);
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
      throw new IOException("the docker source is disabled in the configuration (sources.docker.enabled)");
    }
    return new DockerApi(URI.create(docker.host()));
  }
}

package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.docker.DockerApi;
import dev.dockward.docker.DockerSource;
import java.net.URI;
import java.util.Optional;

/** The Docker daemon's events and container listing ({@code sources.docker}). */
final class DockerWiring {
  private DockerWiring() {}

  /**
   * The Docker source, unless it is off. It fills the inventory the other sources' events are
   * enriched from, and passes each API event on (see {@link SourceLinks#onDaemonEvent}).
   */
  static Optional<DockerSource> docker(AgentConfig.Docker docker, SourceContext context) {
    if (!docker.enabled()) {
      return context.disabled("docker", "sources.docker.enabled");
    }
    return Optional.of(
        new DockerSource(
            new DockerApi(URI.create(docker.host())),
            context.inventory(),
            context.clock(),
            docker.maxBackoff(),
            context.links()::daemonEvent));
  }
}

package dev.dockward.posture;

import dev.dockward.event.PostureFinding;
import dev.dockward.host.HostFs;
import dev.dockward.host.MachineFacts;
import dev.dockward.host.MachineFactsProvider;
import java.time.Duration;
import java.util.List;

/** One audit of the Docker host: read the facts, derive the findings. Safe to run repeatedly. */
public final class PostureAudit {
  private final PostureFactsReader reader;
  private final PostureSettings settings;

  /**
   * @param fs the host's roots
   * @param containers the running containers (the Docker API)
   * @param engine the Docker Engine's version and security options (the Docker API)
   * @param settings the operator's minimum versions and registry allowlist
   */
  public PostureAudit(
      HostFs fs, ContainerLister containers, EngineProbe engine, PostureSettings settings) {
    this(fs, containers, engine, settings, () -> MachineFacts.none(Duration.ZERO, List.of()));
  }

  /**
   * @param machine the machine's facts (OSHI): their kernel release is audited, {@code
   *     <proc>/sys/kernel/osrelease} when they have none
   */
  public PostureAudit(
      HostFs fs,
      ContainerLister containers,
      EngineProbe engine,
      PostureSettings settings,
      MachineFactsProvider machine) {
    this.reader = new PostureFactsReader(fs, containers, engine, machine);
    this.settings = settings;
  }

  /** The findings open now, in a stable order: host findings first, then per container. */
  public List<PostureFinding> run() {
    return PostureChecks.findings(reader.read(), settings);
  }
}

package dev.dockward.agent.assembly;

import dev.dockward.agent.health.SensorStates;
import dev.dockward.docker.DockerInventory;
import dev.dockward.host.HostFs;
import dev.dockward.host.MachineFactsProvider;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * What every source factory may use, made once per start.
 *
 * @param hostFs the host's file systems
 * @param reference the host process the host's namespaces are read from
 * @param reader /proc, read against the host's namespaces
 * @param inventory the containers the Docker source knows
 * @param sensors where a factory says a sensor is off or unavailable
 * @param machine the machine's facts (kernel, OS), read once at start
 * @param clock the wall clock of events
 * @param stateDir where sources keep state across restarts (the journal directory)
 * @param links what sources tell each other
 */
record SourceContext(
    HostFs hostFs,
    HostReference reference,
    ProcReader reader,
    DockerInventory inventory,
    SensorStates sensors,
    MachineFactsProvider machine,
    Clock clock,
    Path stateDir,
    SourceLinks links) {

  /** No source: the configuration's {@code setting} turned sensor {@code name} off. */
  <S> Optional<S> disabled(String name, String setting) {
    sensors.disabled(name, setting);
    return Optional.empty();
  }

  /** No source: sensor {@code name} is enabled but cannot run here, for {@code reason}. */
  <S> Optional<S> unavailable(String name, String reason) {
    sensors.unavailable(name, reason);
    return Optional.empty();
  }
}

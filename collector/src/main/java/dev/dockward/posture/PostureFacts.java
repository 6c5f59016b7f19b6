package dev.dockward.posture;

import java.util.List;
import java.util.Optional;

/**
 * Everything one audit read from the host.
 *
 * @param daemons the running dockerd processes
 * @param dockerGroupMembers members of the {@code docker} group; empty when there is no such group
 * @param containers the running containers; empty when the daemon could not be asked
 * @param host the host's hardening facts
 * @param engine the Docker Engine's account of itself; empty when it could not be asked
 * @param problems what could not be checked
 */
record PostureFacts(
    List<DaemonFacts> daemons,
    Optional<List<String>> dockerGroupMembers,
    Optional<List<AuditedContainer>> containers,
    HostFacts host,
    Optional<EngineFacts> engine,
    List<CheckProblem> problems) {
  PostureFacts {
    daemons = List.copyOf(daemons);
    problems = List.copyOf(problems);
  }

  /**
   * Whether the kernel enforces AppArmor (an {@code apparmor=unconfined} option matters only then).
   */
  boolean appArmor() {
    return host.appArmor();
  }
}

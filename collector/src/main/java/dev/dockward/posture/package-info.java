/**
 * The Docker host's security posture: facts read from the live host (dockerd command lines and
 * {@code daemon.json}, the sockets dockerd really listens on, the API socket's permissions, the
 * {@code docker} group, the running containers' configuration), turned into {@link
 * dev.dockward.event.PostureFinding}s by {@link dev.dockward.posture.PostureChecks}, and reported
 * as they open and resolve by {@link dev.dockward.posture.PostureSource}.
 *
 * <p>Readers take their roots ({@link dev.dockward.host.HostFs}) as arguments; parsers are pure
 * text → record. What cannot be read or parsed becomes a {@link dev.dockward.posture.CheckProblem}
 * and a {@code posture_check_failed} finding: the audit never fills a gap with a default.
 */
package dev.dockward.posture;

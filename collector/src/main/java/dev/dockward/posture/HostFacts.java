package dev.dockward.posture;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The host's own hardening facts; each is empty when it could not be read (a {@link CheckProblem}
 * says why).
 *
 * @param kernelRelease {@code /proc/sys/kernel/osrelease}
 * @param appArmor whether the kernel enforces AppArmor
 * @param seLinux whether SELinux is enforcing ({@code /sys/fs/selinux/enforce}); false when absent
 * @param seccomp whether the kernel has seccomp (a {@code Seccomp:} line in {@code
 *     /proc/self/status})
 * @param maxUserNamespaces {@code /proc/sys/user/max_user_namespaces}
 * @param listeners the TCP sockets listening on non-loopback addresses that are not dockerd's
 * @param environmentContentTrust {@code DOCKER_CONTENT_TRUST} in {@code /etc/environment}
 * @param trustDirs the users' {@code ~/.docker/trust} directories that exist
 * @param defaultDockerOpts {@code DOCKER_OPTS} from {@code /etc/default/docker}, split into
 *     arguments; empty when the file or the variable is absent
 */
record HostFacts(
    Optional<String> kernelRelease,
    boolean appArmor,
    boolean seLinux,
    Optional<Boolean> seccomp,
    OptionalLong maxUserNamespaces,
    Optional<List<HostListener>> listeners,
    Optional<String> environmentContentTrust,
    List<String> trustDirs,
    List<String> defaultDockerOpts) {
  HostFacts {
    trustDirs = List.copyOf(trustDirs);
    defaultDockerOpts = List.copyOf(defaultDockerOpts);
  }
}

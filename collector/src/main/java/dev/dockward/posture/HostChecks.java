package dev.dockward.posture;

import static dev.dockward.posture.PostureChecks.evidence;
import static dev.dockward.posture.PostureChecks.host;

import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import java.util.ArrayList;
import java.util.List;

/**
 * Host-wide findings: engine and kernel versions, the kernel's confinement features (AppArmor or
 * SELinux, seccomp, user namespaces), other listening services, content trust, and what the audit
 * deliberately does not check. Pure.
 */
final class HostChecks {
  static final String ENGINE_OUTDATED = "docker_engine_outdated";
  static final String KERNEL_OUTDATED = "kernel_outdated";
  static final String LISTENING_SERVICE = "host_listening_service";
  static final String NO_MAC = "host_no_mandatory_access_control";
  static final String NO_SECCOMP = "host_seccomp_unavailable";
  static final String NO_USERNS = "host_user_namespaces_unavailable";
  static final String CONTENT_TRUST = "content_trust_disabled";
  static final String NOT_CHECKED = "posture_not_checked";

  private HostChecks() {}

  static void findings(PostureFacts facts, PostureSettings settings, List<PostureFinding> out) {
    HostFacts h = facts.host();
    facts.engine().ifPresent(e -> engineVersion(e, settings, out));
    h.kernelRelease().ifPresent(k -> kernelVersion(k, settings, out));
    if (!h.appArmor() && !h.seLinux()) {
      out.add(
          host(
              NO_MAC,
              "1.2.1",
              FindingSeverity.LOW,
              "the kernel enforces neither AppArmor nor SELinux: containers are confined by namespaces, "
                  + "capabilities and seccomp only (so no container is reported for lacking an AppArmor profile)",
              evidence("apparmor", false, "selinux", false),
              "Use a kernel with AppArmor or SELinux enabled where the distribution supports it; Docker then "
                  + "gives every container a default profile.",
              ""));
    }
    List<String> seccompMissing = new ArrayList<>();
    h.seccomp().filter(s -> !s).ifPresent(s -> seccompMissing.add("the kernel has no seccomp"));
    facts
        .engine()
        .filter(e -> !e.has("seccomp"))
        .ifPresent(e -> seccompMissing.add("the Docker Engine lists no seccomp security option"));
    if (!seccompMissing.isEmpty()) {
      out.add(
          host(
              NO_SECCOMP,
              null,
              FindingSeverity.HIGH,
              "containers run without system call filtering: " + String.join("; ", seccompMissing),
              evidence(
                  "reasons",
                  seccompMissing,
                  "engine_security_options",
                  facts.engine().map(EngineFacts::securityOptions).orElse(List.of())),
              "Run a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER, and a Docker Engine built with "
                  + "seccomp support.",
              ""));
    }
    h.maxUserNamespaces()
        .ifPresent(
            max -> {
              if (max == 0) {
                out.add(
                    host(
                        NO_USERNS,
                        null,
                        FindingSeverity.INFO,
                        "user namespaces are disabled (user.max_user_namespaces is 0): neither userns-remap nor rootless "
                            + "Docker is possible on this host",
                        evidence("max_user_namespaces", 0L),
                        "Allow user namespaces (sysctl user.max_user_namespaces) if you want remapped or rootless containers.",
                        ""));
              }
            });
    h.listeners()
        .ifPresent(
            ls ->
                ls.forEach(
                    l ->
                        out.add(
                            host(
                                LISTENING_SERVICE,
                                null,
                                FindingSeverity.INFO,
                                "process "
                                    + (l.pid() == 0
                                        ? "unknown"
                                        : l.comm() + " (pid " + l.pid() + ")")
                                    + " listens on "
                                    + l.socket().endpoint()
                                    + " beside the Docker daemon",
                                evidence(
                                    "address",
                                    l.socket().address(),
                                    "port",
                                    (long) l.socket().port(),
                                    "pid",
                                    (long) l.pid(),
                                    "comm",
                                    l.comm()),
                                "Keep only the services this Docker host needs, and firewall the rest; a container host should "
                                    + "expose little besides its workloads.",
                                l.socket().endpoint()))));
    contentTrust(facts, out);
    notChecked(settings, out);
  }

  private static void engineVersion(
      EngineFacts e, PostureSettings settings, List<PostureFinding> out) {
    if (Versions.numbers(e.version()).size() < 2) {
      out.add(
          host(
              PostureChecks.CHECK_FAILED,
              null,
              FindingSeverity.MEDIUM,
              "could not check docker engine version: the API reported \"" + e.version() + "\"",
              evidence("what", "docker engine version", "error", "not a version: " + e.version()),
              "Make the Docker API reachable to the agent.",
              "docker engine version"));
      return;
    }
    Versions.shortOf(e.version(), settings.minDockerVersions())
        .ifPresent(
            min ->
                out.add(
                    host(
                        ENGINE_OUTDATED,
                        "1.2.2",
                        FindingSeverity.MEDIUM,
                        "the Docker Engine is version "
                            + e.version()
                            + ", older than the configured minimum "
                            + min,
                        evidence(
                            "version",
                            e.version(),
                            "minimum",
                            min,
                            "minimums",
                            settings.minDockerVersions()),
                        "Upgrade the Docker Engine to a maintained release at or above the minimum patch level "
                            + "(posture.min_docker_version).",
                        "")));
  }

  private static void kernelVersion(
      String release, PostureSettings settings, List<PostureFinding> out) {
    Versions.shortOf(release, settings.minKernelVersions())
        .ifPresent(
            min ->
                out.add(
                    host(
                        KERNEL_OUTDATED,
                        null,
                        FindingSeverity.MEDIUM,
                        "the kernel is release "
                            + release
                            + ", older than the configured minimum "
                            + min
                            + ": container "
                            + "isolation rests on it",
                        evidence(
                            "release",
                            release,
                            "minimum",
                            min,
                            "minimums",
                            settings.minKernelVersions()),
                        "Upgrade the kernel to a maintained release at or above the minimum (posture.min_kernel_version) "
                            + "and reboot.",
                        "")));
  }

  /**
   * Content trust is a client setting: the host shows it only in {@code /etc/environment} and the
   * daemon's environment (which clients started from the unit inherit), and the users' trust data
   * shows who used it.
   */
  private static void contentTrust(PostureFacts facts, List<PostureFinding> out) {
    HostFacts h = facts.host();
    boolean environment = h.environmentContentTrust().map(HostChecks::enabled).orElse(false);
    boolean daemon =
        facts.daemons().stream()
            .anyMatch(d -> d.contentTrust().map(HostChecks::enabled).orElse(false));
    if (environment || daemon) {
      return;
    }
    out.add(
        host(
            CONTENT_TRUST,
            "4.5",
            FindingSeverity.LOW,
            "Docker content trust is not enabled host-wide (DOCKER_CONTENT_TRUST is not 1 in /etc/environment or "
                + "the daemon's environment): clients pull unsigned images"
                + (h.trustDirs().isEmpty()
                    ? ""
                    : "; trust data exists for " + String.join(", ", h.trustDirs())),
            evidence(
                "etc_environment",
                h.environmentContentTrust().orElse(""),
                "trust_dirs",
                h.trustDirs()),
            "Set DOCKER_CONTENT_TRUST=1 in /etc/environment (and in CI jobs) so docker pull, run and build "
                + "accept only signed images.",
            ""));
  }

  private static boolean enabled(String value) {
    return value.equals("1") || value.equalsIgnoreCase("true");
  }

  /** What this audit does not check, so that no silence is read as a pass. */
  private static void notChecked(PostureSettings settings, List<PostureFinding> out) {
    out.add(
        notChecked(
            "image_signatures",
            "whether running images are signed: Docker records no signature "
                + "fact per image, so it cannot be read from the host",
            "Verify signatures where images are pulled "
                + "or admitted (content trust, cosign in CI)."));
    if (settings.registryAllowlist().isEmpty()) {
      out.add(
          notChecked(
              "registry_allowlist",
              "which registries images come from: posture.registry_allowlist " + "is empty",
              "List the registries you trust in posture.registry_allowlist."));
    }
    if (settings.minDockerVersions().isEmpty()) {
      out.add(
          notChecked(
              "docker_engine_version",
              "the Docker Engine version: posture.min_docker_version is " + "empty",
              "Set posture.min_docker_version to the patch levels you require."));
    }
    if (settings.minKernelVersions().isEmpty()) {
      out.add(
          notChecked(
              "kernel_version",
              "the kernel version: posture.min_kernel_version is empty",
              "Set posture.min_kernel_version to the release you require."));
    }
  }

  private static PostureFinding notChecked(String what, String summary, String remediation) {
    return host(
        NOT_CHECKED,
        null,
        FindingSeverity.INFO,
        "not checked: " + summary,
        evidence("what", what),
        remediation,
        what);
  }
}

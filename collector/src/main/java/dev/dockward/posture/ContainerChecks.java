package dev.dockward.posture;

import static dev.dockward.posture.PostureChecks.evidence;
import static dev.dockward.posture.PostureChecks.on;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Per-container findings beyond confinement: capabilities kept, root user, writable root file
 * system, and where the image comes from (an insecure registry, a registry outside the allowlist).
 * Low severities on purpose: most default containers have them, and they are hardening advice, not
 * an attack. Pure.
 */
final class ContainerChecks {
  static final String CAPS_NOT_DROPPED = "container_capabilities_not_dropped";
  static final String RUNS_AS_ROOT = "container_runs_as_root";
  static final String ROOTFS_WRITABLE = "container_root_filesystem_writable";
  static final String INSECURE_REGISTRY_IMAGE = "container_image_insecure_registry";
  static final String REGISTRY_NOT_ALLOWED = "container_image_registry_not_allowed";

  private ContainerChecks() {}

  static void container(
      AuditedContainer ac,
      List<DaemonFacts> daemons,
      PostureSettings settings,
      List<PostureFinding> out) {
    ContainerInfo c = ac.info();
    String who = "container " + c.name() + " (" + c.image() + ")";
    if (c.capDrop().isEmpty()
        && !c.privileged()) { // privileged: privileged_container_started says it all
      out.add(
          on(
              c,
              CAPS_NOT_DROPPED,
              "5.4",
              FindingSeverity.LOW,
              who + " keeps all of Docker's default capabilities (no --cap-drop)",
              evidence("cap_add", c.capAdd(), "cap_drop", c.capDrop()),
              "Start it with --cap-drop ALL and add back only the capabilities it needs (--cap-add)."));
    }
    if (ac.runsAsRoot()) {
      out.add(
          on(
              c,
              RUNS_AS_ROOT,
              "4.1",
              FindingSeverity.LOW,
              who
                  + " runs as root"
                  + (ac.user().isEmpty()
                      ? " (no user set; the image's default)"
                      : " (user " + ac.user() + ")"),
              evidence("user", ac.user()),
              "Give the image a USER, or run it with --user UID:GID of an unprivileged user."));
    }
    if (!ac.readonlyRootfs()) {
      out.add(
          on(
              c,
              ROOTFS_WRITABLE,
              "5.13",
              FindingSeverity.LOW,
              who + " can write to its root file system: an intruder can change its binaries",
              evidence("readonly_rootfs", false),
              "Run it with --read-only and give it tmpfs or volumes for the paths it must write."));
    }
    if (c.image().isEmpty()) {
      return;
    }
    String registry = ImageReference.registry(c.image());
    insecureSource(registry, daemons)
        .ifPresent(
            why ->
                out.add(
                    on(
                        c,
                        INSECURE_REGISTRY_IMAGE,
                        null,
                        FindingSeverity.MEDIUM,
                        who
                            + " runs an image from "
                            + registry
                            + ", which the daemon reaches without TLS verification ("
                            + why
                            + ")",
                        evidence("image", c.image(), "registry", registry, "reason", why),
                        "Serve the registry over verified TLS and remove it from insecure-registries; pull the image again.")));
    List<String> allow =
        settings.registryAllowlist().stream().map(r -> r.toLowerCase(Locale.ROOT)).toList();
    if (!allow.isEmpty() && !allow.contains(registry)) {
      out.add(
          on(
              c,
              REGISTRY_NOT_ALLOWED,
              null,
              FindingSeverity.MEDIUM,
              who
                  + " runs an image from "
                  + registry
                  + ", which is not in posture.registry_allowlist",
              evidence(
                  "image",
                  c.image(),
                  "registry",
                  registry,
                  "allowlist",
                  settings.registryAllowlist()),
              "Pull the image from an allowed registry (mirror it there), or add the registry to the allowlist "
                  + "if it is trusted."));
    }
  }

  /**
   * Why the daemons pull from {@code registry} without verified TLS: it is listed (by name or CIDR)
   * in insecure-registries, it is a loopback registry (Docker treats 127.0.0.0/8 as insecure by
   * default), or it is Docker Hub behind a plain-HTTP mirror.
   */
  static Optional<String> insecureSource(String registry, List<DaemonFacts> daemons) {
    String host = ImageReference.host(registry);
    if (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")) {
      return Optional.of("a loopback registry, insecure by Docker's default");
    }
    for (DaemonFacts d : daemons) {
      for (String entry : d.settings().insecureRegistries()) {
        String e = entry.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
        if (e.equals(registry) || e.equals(host) || inCidr(host, e)) {
          return Optional.of(
              "insecure-registries " + entry + " of dockerd pid " + d.process().pid());
        }
      }
      if (registry.equals(ImageReference.DOCKER_HUB)) {
        List<String> http =
            d.settings().registryMirrors().stream()
                .filter(m -> m.toLowerCase(Locale.ROOT).startsWith("http://"))
                .toList();
        if (!http.isEmpty()) {
          return Optional.of(
              "registry mirror " + http.get(0) + " of dockerd pid " + d.process().pid());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether an IP literal lies in a CIDR block ({@code 10.0.0.0/8}); false for names and bad input.
   */
  static boolean inCidr(String host, String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0 || !looksLikeIp(host) || !looksLikeIp(cidr.substring(0, slash))) {
      return false;
    }
    try {
      byte[] a = InetAddress.getByName(host).getAddress();
      byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      if (a.length != net.length || bits < 0 || bits > a.length * 8) {
        return false;
      }
      int shift = a.length * 8 - bits;
      return new BigInteger(1, a)
          .shiftRight(shift)
          .equals(new BigInteger(1, net).shiftRight(shift));
    } catch (UnknownHostException | NumberFormatException e) {
      return false;
    }
  }

  /** An IP literal, so that resolving it never asks DNS. */
  private static boolean looksLikeIp(String s) {
    return s.matches("[0-9.]+") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
  }
}

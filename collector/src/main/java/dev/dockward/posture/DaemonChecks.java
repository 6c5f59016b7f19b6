package dev.dockward.posture;

import static dev.dockward.posture.PostureChecks.evidence;
import static dev.dockward.posture.PostureChecks.host;
import static dev.dockward.posture.PostureChecks.known;

import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon settings beyond its API exposure: who is connected to its TCP API, its TLS key, the
 * userland proxy, its default seccomp profile and log driver, daemon-wide no-new-privileges, {@code
 * /etc/default/docker} options it does not use, and whether it runs as root. Pure; a setting that
 * is unknown (unreadable {@code daemon.json}) is not reported on.
 */
final class DaemonChecks {
  static final String API_REMOTE_CLIENT = "docker_api_remote_client";
  static final String TLS_KEY_PERMISSIONS = "docker_tls_key_permissions";
  static final String USERLAND_PROXY = "userland_proxy_enabled";
  static final String SECCOMP_PROFILE = "daemon_default_seccomp_profile_changed";
  static final String LOGGING = "daemon_logging_not_centralized";
  static final String NO_NEW_PRIVILEGES = "daemon_no_new_privileges_disabled";
  static final String DEFAULT_OPTIONS_NOT_APPLIED = "daemon_default_options_not_applied";
  static final String RUNS_AS_ROOT = "daemon_runs_as_root";

  /** Log drivers that keep the containers' output on this host only. */
  private static final List<String> LOCAL_LOG_DRIVERS = List.of("json-file", "local");

  private DaemonChecks() {}

  static void daemon(DaemonFacts d, HostFacts hostFacts, List<PostureFinding> out) {
    String name = PostureChecks.daemonName(d);
    long pid = d.process().pid();
    apiClients(d, out);
    d.tlsKey().ifPresent(key -> tlsKey(d, key, out));
    DaemonSettings s = d.settings();
    if (known(d, s.userlandProxy(), true).orElse(false)) {
      out.add(
          host(
              USERLAND_PROXY,
              "2.16",
              FindingSeverity.LOW,
              "dockerd (pid "
                  + pid
                  + ", "
                  + name
                  + ") serves published ports through docker-proxy processes, "
                  + "a user-space relay that widens the attack surface",
              evidence("pid", pid, "daemon", name, "userland_proxy", true),
              "Set \"userland-proxy\": false in daemon.json so published ports use the kernel's NAT (hairpin NAT "
                  + "must then work on this kernel).",
              name));
    }
    s.seccompProfile().ifPresent(profile -> seccomp(d, profile, out));
    known(d, s.logDriver(), "json-file").ifPresent(driver -> logging(d, driver, out));
    if (!known(d, s.noNewPrivileges(), false).orElse(true)) {
      out.add(
          host(
              NO_NEW_PRIVILEGES,
              "2.14",
              FindingSeverity.LOW,
              "dockerd (pid "
                  + pid
                  + ", "
                  + name
                  + ") lets containers gain privileges through setuid binaries unless "
                  + "each one opts out",
              evidence("pid", pid, "daemon", name, "no_new_privileges", false),
              "Set \"no-new-privileges\": true in daemon.json; the rare container that needs setuid can be "
                  + "run with --security-opt no-new-privileges=false.",
              name));
    }
    defaultOptions(d, hostFacts, out);
    d.uid()
        .ifPresent(
            uid -> {
              if (uid == 0) {
                out.add(
                    host(
                        RUNS_AS_ROOT,
                        "2.1",
                        FindingSeverity.INFO,
                        "dockerd (pid "
                            + pid
                            + ", "
                            + name
                            + ") runs as root, not in rootless mode: a daemon or container "
                            + "escape gives root on the host",
                        evidence("pid", pid, "daemon", name, "uid", (long) uid),
                        "Where the workloads allow it, run Docker in rootless mode (dockerd-rootless-setuptool.sh) for "
                            + "the users who need it.",
                        name));
              }
            });
  }

  /** The peers connected to the daemon's TCP API, one finding per peer address. */
  private static void apiClients(DaemonFacts d, List<PostureFinding> out) {
    Optional<Boolean> verified = known(d, d.settings().tlsVerify(), false);
    Map<String, List<TcpConnection>> byPeer = new LinkedHashMap<>();
    for (TcpConnection c : d.apiClients()) {
      byPeer
          .computeIfAbsent(c.localPort() + "|" + c.remoteAddress(), k -> new ArrayList<>())
          .add(c);
    }
    for (List<TcpConnection> conns : byPeer.values()) {
      TcpConnection c = conns.get(0);
      String listen = new TcpListener(c.localAddress(), c.localPort(), 0).endpoint();
      FindingSeverity severity =
          verified.isEmpty()
              ? FindingSeverity.MEDIUM
              : verified.get()
                  ? FindingSeverity.INFO
                  : c.remoteLoopback() ? FindingSeverity.MEDIUM : FindingSeverity.HIGH;
      out.add(
          host(
              API_REMOTE_CLIENT,
              null,
              severity,
              "client "
                  + c.remoteAddress()
                  + " is connected to the Docker API on "
                  + listen
                  + " (dockerd pid "
                  + d.process().pid()
                  + ", "
                  + (verified.isEmpty()
                      ? "client certificates unknown"
                      : verified.get()
                          ? "with a verified client certificate"
                          : "without client authentication")
                  + ")",
              evidence(
                  "pid",
                  (long) d.process().pid(),
                  "listen",
                  listen,
                  "peer_address",
                  c.remoteAddress(),
                  "peer_ports",
                  conns.stream().map(x -> String.valueOf(x.remotePort())).toList(),
                  "tls_verify",
                  verified.map(String::valueOf).orElse("unknown"),
                  "loopback",
                  c.remoteLoopback()),
              "Make sure this client should control the daemon; if not, close the TCP API or require client "
                  + "certificates (--tlsverify) and block the port at the firewall.",
              listen + " <- " + c.remoteAddress()));
    }
  }

  private static void tlsKey(DaemonFacts d, HostFile key, List<PostureFinding> out) {
    List<String> reasons = new ArrayList<>();
    if (key.readableByOthers()) {
      reasons.add("mode " + key.modeText() + " lets other users read it");
    }
    if (!key.owner().equals("root")) {
      reasons.add("owned by " + key.owner() + ", not root");
    }
    if (reasons.isEmpty()) {
      return;
    }
    out.add(
        host(
            TLS_KEY_PERMISSIONS,
            key.readableByOthers() ? "3.14" : "3.13",
            key.readableByOthers() ? FindingSeverity.HIGH : FindingSeverity.MEDIUM,
            "the Docker daemon's TLS private key "
                + key.path()
                + " (dockerd pid "
                + d.process().pid()
                + "): "
                + String.join("; ", reasons)
                + "; whoever reads it can impersonate the daemon",
            evidence(
                "path",
                key.path(),
                "owner",
                key.owner(),
                "group",
                key.group(),
                "mode",
                key.modeText(),
                "pid",
                (long) d.process().pid()),
            "chown root:root and chmod 400 the key file; replace the key and certificate if others could read it.",
            key.path()));
  }

  private static void seccomp(DaemonFacts d, String profile, List<PostureFinding> out) {
    String name = PostureChecks.daemonName(d);
    String p = profile.toLowerCase(Locale.ROOT);
    if (p.equals("builtin") || p.equals("default") || p.isEmpty()) {
      return;
    }
    boolean unconfined = p.equals("unconfined");
    out.add(
        host(
            SECCOMP_PROFILE,
            "2.17",
            unconfined ? FindingSeverity.HIGH : FindingSeverity.INFO,
            unconfined
                ? "dockerd (pid "
                    + d.process().pid()
                    + ", "
                    + name
                    + ") runs every container without a seccomp filter "
                    + "by default"
                : "dockerd (pid "
                    + d.process().pid()
                    + ", "
                    + name
                    + ") replaces Docker's default seccomp profile with "
                    + profile,
            evidence("pid", (long) d.process().pid(), "daemon", name, "seccomp_profile", profile),
            unconfined
                ? "Remove \"seccomp-profile\": \"unconfined\" so containers get Docker's default filter; allow what "
                    + "a workload needs in a custom profile instead."
                : "Check that the custom profile is at least as strict as Docker's default, and keep it under change "
                    + "control.",
            name));
  }

  private static void logging(DaemonFacts d, String driver, List<PostureFinding> out) {
    String name = PostureChecks.daemonName(d);
    boolean none = driver.equals("none");
    if (!none && !LOCAL_LOG_DRIVERS.contains(driver)) {
      return; // journald, syslog, fluentd, gelf, …: the logs can leave the host
    }
    out.add(
        host(
            LOGGING,
            "2.13",
            none ? FindingSeverity.MEDIUM : FindingSeverity.INFO,
            none
                ? "dockerd (pid "
                    + d.process().pid()
                    + ", "
                    + name
                    + ") discards the containers' output by default "
                    + "(log driver none): nothing is left to investigate"
                : "dockerd (pid "
                    + d.process().pid()
                    + ", "
                    + name
                    + ") keeps the containers' logs on this host only "
                    + "(log driver "
                    + driver
                    + "): an intruder with root can erase them",
            evidence("pid", (long) d.process().pid(), "daemon", name, "log_driver", driver),
            "Set \"log-driver\" in daemon.json to one that ships logs off the host (syslog to a remote server, "
                + "journald with forwarding, fluentd, gelf).",
            name));
  }

  /**
   * {@code DOCKER_OPTS} of {@code /etc/default/docker} that the running system daemon's command
   * line does not contain: an administrator may believe them in force (systemd units ignore the
   * file).
   */
  private static void defaultOptions(DaemonFacts d, HostFacts hostFacts, List<PostureFinding> out) {
    String name = PostureChecks.daemonName(d);
    boolean systemDaemon =
        name.equals(PostureFactsReader.DEFAULT_SOCKET)
            || name.equals(PostureFactsReader.SYSTEMD_SOCKET);
    if (!systemDaemon || hostFacts.defaultDockerOpts().isEmpty()) {
      return;
    }
    List<String> argv = d.process().argv();
    List<String> missing =
        hostFacts.defaultDockerOpts().stream().filter(o -> !argv.contains(o)).toList();
    if (missing.isEmpty()) {
      return;
    }
    out.add(
        host(
            DEFAULT_OPTIONS_NOT_APPLIED,
            null,
            FindingSeverity.LOW,
            "/etc/default/docker sets DOCKER_OPTS "
                + String.join(" ", missing)
                + " but dockerd (pid "
                + d.process().pid()
                + ") was not started with them: they are not in force",
            evidence(
                "pid",
                (long) d.process().pid(),
                "daemon",
                name,
                "not_applied",
                missing,
                "docker_opts",
                hostFacts.defaultDockerOpts()),
            "Move the settings to /etc/docker/daemon.json (read by every init system) and empty DOCKER_OPTS, so "
                + "the configuration in force is the one you read.",
            name));
  }
}

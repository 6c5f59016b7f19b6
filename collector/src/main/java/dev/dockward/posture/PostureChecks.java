package dev.dockward.posture;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PortBinding;
import dev.dockward.event.PostureFinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Posture facts → findings. Pure: the same facts always give the same findings, in the same order.
 *
 * <p>CIS ids are the CIS Docker Benchmark v1.6.0's. A setting that neither the command line states
 * nor a readable {@code daemon.json} could state is unknown and checked by nobody: the reason is
 * already a {@code posture_check_failed} finding. The container weaknesses the bundled rules raise
 * on {@code container_start} (privileged, capabilities, runtime socket and sensitive mounts, host
 * namespaces) are left to them: one weakness, one id.
 */
public final class PostureChecks {
  public static final String TCP_WITHOUT_TLS = "docker_api_tcp_without_tls";
  public static final String TLS_WITHOUT_CLIENT_AUTH = "docker_api_tls_without_client_auth";
  public static final String SOCKET_PERMISSIONS = "docker_socket_permissions";
  public static final String GROUP_MEMBERS = "docker_group_members";
  public static final String ICC = "inter_container_communication_enabled";
  public static final String INSECURE_REGISTRY = "insecure_registry_configured";
  public static final String USERNS = "userns_remap_disabled";
  public static final String LIVE_RESTORE = "live_restore_disabled";
  public static final String UNCONFINED = "container_unconfined_seccomp_apparmor";
  public static final String NO_NEW_PRIVILEGES = "container_no_new_privileges_missing";
  public static final String NO_LIMITS = "container_no_resource_limits";
  public static final String PUBLISHED_ALL = "container_port_published_all_interfaces";
  public static final String MUTABLE_TAG = "container_image_mutable_tag";
  public static final String CHECK_FAILED = "posture_check_failed";

  private PostureChecks() {}

  static List<PostureFinding> findings(PostureFacts facts, PostureSettings settings) {
    List<PostureFinding> out = new ArrayList<>();
    for (CheckProblem p : facts.problems()) {
      out.add(
          host(
              CHECK_FAILED,
              null,
              FindingSeverity.MEDIUM,
              "could not check " + p.what() + ": " + p.detail(),
              evidence("what", p.what(), "error", p.detail()),
              "Make the named file or process readable to the agent (it runs as root), or fix the file, so this "
                  + "part of the audit can run.",
              p.what()));
    }
    for (DaemonFacts d : facts.daemons()) {
      daemon(d, out);
      DaemonChecks.daemon(d, facts.host(), out);
    }
    facts
        .dockerGroupMembers()
        .ifPresent(
            members -> {
              for (String user : members) {
                out.add(
                    host(
                        GROUP_MEMBERS,
                        "1.1.2",
                        FindingSeverity.MEDIUM,
                        "user "
                            + user
                            + " is in the docker group: it controls the Docker daemon, which is root on this host",
                        evidence("user", user, "group", "docker", "members", List.copyOf(members)),
                        "Remove users from the docker group who do not need to run containers (gpasswd -d USER docker); "
                            + "grant the rest access through sudo with an audit trail, or run a rootless daemon for them.",
                        user));
              }
            });
    HostChecks.findings(facts, settings, out);
    boolean daemonWideNoNewPrivileges =
        !facts.daemons().isEmpty()
            && facts.daemons().stream()
                .allMatch(d -> known(d, d.settings().noNewPrivileges(), false).orElse(false));
    facts
        .containers()
        .ifPresent(
            cs -> {
              for (AuditedContainer c : cs) {
                container(c.info(), facts.appArmor(), daemonWideNoNewPrivileges, out);
                ContainerChecks.container(c, facts.daemons(), settings, out);
              }
            });
    return out;
  }

  private static void daemon(DaemonFacts d, List<PostureFinding> out) {
    DaemonSettings s = d.settings();
    String name = daemonName(d);
    long pid = d.process().pid();
    Optional<Boolean> tlsVerify = known(d, s.tlsVerify(), false);
    Optional<Boolean> tls = known(d, s.tls(), false);
    for (TcpListener l : d.apiListeners()) {
      Map<String, Object> ev =
          evidence(
              "pid",
              pid,
              "address",
              l.address(),
              "port",
              (long) l.port(),
              "listen",
              l.endpoint(),
              "hosts",
              PostureFactsReader.tcpHosts(s),
              "loopback_only",
              l.loopback());
      if (tlsVerify.orElse(true)) {
        continue; // verified client certificates, or unknown (reported as posture_check_failed)
      }
      if (tls.isEmpty()) {
        continue;
      }
      if (tls.get()) {
        out.add(
            host(
                TLS_WITHOUT_CLIENT_AUTH,
                "2.7",
                FindingSeverity.HIGH,
                "the Docker API on "
                    + l.endpoint()
                    + " (dockerd pid "
                    + pid
                    + ") uses TLS without --tlsverify: "
                    + "any client that can connect controls the daemon",
                ev,
                "Add --tlsverify with --tlscacert so that only clients with a certificate signed by your CA "
                    + "are accepted; TLS alone only encrypts.",
                l.endpoint()));
      } else {
        out.add(
            host(
                TCP_WITHOUT_TLS,
                "2.7",
                FindingSeverity.CRITICAL,
                "the Docker API listens on "
                    + l.endpoint()
                    + " (dockerd pid "
                    + pid
                    + ") without TLS: "
                    + (l.loopback() ? "every local user and process" : "anyone who can reach it")
                    + " can run a privileged container, i.e. is root on this host",
                ev,
                "Remove the tcp:// host (-H) and use the unix socket, or an SSH connection (DOCKER_HOST=ssh://); "
                    + "if TCP is needed, use port 2376 with --tlsverify and client certificates.",
                l.endpoint()));
      }
    }
    for (SocketFile f : d.sockets()) {
      List<String> reasons = new ArrayList<>();
      boolean modeWeak = f.othersHaveAccess();
      if (modeWeak) {
        reasons.add("mode " + f.modeText() + " gives other users access");
      }
      if (!f.owner().equals("root") || !(f.group().equals("docker") || f.group().equals("root"))) {
        reasons.add("owned by " + f.owner() + ":" + f.group() + ", not root:docker");
      }
      if (reasons.isEmpty()) {
        continue;
      }
      FindingSeverity severity =
          f.othersMayConnect() ? FindingSeverity.CRITICAL : FindingSeverity.HIGH;
      out.add(
          host(
              SOCKET_PERMISSIONS,
              modeWeak ? "3.16" : "3.15",
              severity,
              "Docker API socket "
                  + f.path()
                  + " (dockerd pid "
                  + pid
                  + "): "
                  + String.join("; ", reasons),
              evidence(
                  "path",
                  f.path(),
                  "owner",
                  f.owner(),
                  "group",
                  f.group(),
                  "mode",
                  f.modeText(),
                  "pid",
                  pid),
              "Give the socket owner root, group docker and mode 660 (chown root:docker, chmod 660); who may use "
                  + "it is then decided by membership of the docker group.",
              f.path()));
    }
    Optional<Boolean> icc = known(d, s.icc(), true);
    boolean bridge = !s.bridge().map(b -> b.equals("none")).orElse(false);
    if (bridge && icc.orElse(false)) {
      out.add(
          host(
              ICC,
              "2.2",
              FindingSeverity.MEDIUM,
              "dockerd (pid "
                  + pid
                  + ", "
                  + name
                  + ") lets containers on the default bridge reach each other on every port",
              evidence("pid", pid, "daemon", name, "icc", true),
              "Set \"icc\": false in daemon.json (or --icc=false) and connect containers that must talk through "
                  + "user-defined networks or published ports.",
              name));
    }
    List<String> httpMirrors =
        s.registryMirrors().stream()
            .filter(m -> m.toLowerCase(Locale.ROOT).startsWith("http://"))
            .toList();
    if (!s.insecureRegistries().isEmpty() || !httpMirrors.isEmpty()) {
      List<String> all = new ArrayList<>(s.insecureRegistries());
      all.addAll(httpMirrors);
      out.add(
          host(
              INSECURE_REGISTRY,
              "2.5",
              FindingSeverity.HIGH,
              "dockerd (pid "
                  + pid
                  + ", "
                  + name
                  + ") pulls images without TLS verification from "
                  + String.join(", ", all),
              evidence(
                  "pid",
                  pid,
                  "daemon",
                  name,
                  "insecure_registries",
                  s.insecureRegistries(),
                  "http_mirrors",
                  httpMirrors),
              "Remove insecure-registries and plain-HTTP registry mirrors; give those registries a certificate "
                  + "(a private CA goes in /etc/docker/certs.d/<registry>/ca.crt).",
              name));
    }
    Optional<Boolean> userns =
        s.usernsRemap().isPresent()
            ? Optional.of(!s.usernsRemap().get().isBlank())
            : d.configKnown() ? Optional.of(false) : Optional.empty();
    if (userns.isPresent() && !userns.get()) {
      out.add(
          host(
              USERNS,
              "2.9",
              FindingSeverity.LOW,
              "dockerd (pid "
                  + pid
                  + ", "
                  + name
                  + ") runs containers without user namespace remapping: root in a "
                  + "container is root on the host",
              evidence("pid", pid, "daemon", name),
              "Set \"userns-remap\": \"default\" (or a dedicated user) in daemon.json where your images allow it, "
                  + "so container root maps to an unprivileged host user.",
              name));
    }
    if (!known(d, s.liveRestore(), false).orElse(true)) {
      out.add(
          host(
              LIVE_RESTORE,
              "2.15",
              FindingSeverity.LOW,
              "dockerd (pid "
                  + pid
                  + ", "
                  + name
                  + ") stops every container when it stops or is upgraded",
              evidence("pid", pid, "daemon", name),
              "Set \"live-restore\": true in daemon.json so containers keep running while the daemon restarts.",
              name));
    }
  }

  private static void container(
      ContainerInfo c,
      boolean appArmor,
      boolean daemonWideNoNewPrivileges,
      List<PostureFinding> out) {
    String who = "container " + c.name() + " (" + c.image() + ")";
    List<String> unconfined = new ArrayList<>();
    boolean noNewPrivileges = false;
    for (String opt : c.securityOpt()) {
      String o = opt.replace(':', '=').toLowerCase(Locale.ROOT);
      if (o.equals("seccomp=unconfined") || (appArmor && o.equals("apparmor=unconfined"))) {
        unconfined.add(opt);
      }
      if (o.equals("no-new-privileges") || o.equals("no-new-privileges=true")) {
        noNewPrivileges = true;
      }
    }
    if (!unconfined.isEmpty()
        && !c.privileged()) { // privileged: privileged_container_started says it all
      boolean seccomp = unconfined.stream().anyMatch(u -> u.startsWith("seccomp"));
      out.add(
          on(
              c,
              UNCONFINED,
              seccomp ? "5.22" : "5.2",
              FindingSeverity.HIGH,
              who
                  + " runs without "
                  + String.join(
                      " and ",
                      unconfined.stream()
                          .map(
                              u ->
                                  u.startsWith("seccomp")
                                      ? "a seccomp filter"
                                      : "an AppArmor profile")
                          .toList())
                  + ": every system call of the kernel is open to it",
              evidence("security_opt", List.copyOf(c.securityOpt()), "unconfined", unconfined),
              "Drop --security-opt seccomp=unconfined / apparmor=unconfined; if a workload needs one more system "
                  + "call, give it a custom seccomp profile that allows just that call."));
    }
    if (!noNewPrivileges && !daemonWideNoNewPrivileges) {
      out.add(
          on(
              c,
              NO_NEW_PRIVILEGES,
              "5.26",
              FindingSeverity.LOW,
              who
                  + " lets its processes gain privileges through setuid binaries (no-new-privileges is not set)",
              evidence("security_opt", List.copyOf(c.securityOpt())),
              "Run it with --security-opt no-new-privileges (or set \"no-new-privileges\": true daemon-wide)."));
    }
    List<String> missing = new ArrayList<>();
    if (c.limits().memoryBytes().isEmpty()) {
      missing.add("memory");
    }
    if (c.limits().pids().isEmpty()) {
      missing.add("pids");
    }
    if (!missing.isEmpty()) {
      out.add(
          on(
              c,
              NO_LIMITS,
              missing.contains("memory") ? "5.11" : "5.29",
              FindingSeverity.MEDIUM,
              who
                  + " has no "
                  + String.join(" and no ", missing)
                  + " limit: it can exhaust the host's "
                  + (missing.contains("memory") ? "memory" : "process table"),
              evidence("missing", missing),
              "Start it with --memory and --pids-limit sized for the workload (a fork bomb or a leak then "
                  + "stays inside the container)."));
    }
    List<String> published =
        c.ports().stream()
            .filter(PortBinding::allInterfaces)
            .map(
                p ->
                    (p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp())
                        + ":"
                        + p.hostPort()
                        + "->"
                        + p.containerPort())
            .toList();
    if (!published.isEmpty()) {
      out.add(
          on(
              c,
              PUBLISHED_ALL,
              "5.14",
              FindingSeverity.MEDIUM,
              who + " publishes ports on every host interface: " + String.join(", ", published),
              evidence("ports", published),
              "Publish on the one address that should serve it (-p 127.0.0.1:8080:80 or an internal interface); "
                  + "Docker's iptables rules bypass a host firewall such as ufw."));
    }
    if (!c.image().isEmpty() && !c.image().contains("@")) {
      String tag = tag(c.image());
      out.add(
          on(
              c,
              MUTABLE_TAG,
              null,
              FindingSeverity.LOW,
              who
                  + " runs its image by the mutable tag "
                  + tag
                  + ": what runs can change without the configuration "
                  + "changing",
              evidence("image", c.image(), "tag", tag, "image_id", c.imageId()),
              "Refer to images by digest (image@sha256:…) in deployments, and update the digest deliberately."));
    }
  }

  /** The tag of an image reference; {@code latest} when none is given. */
  static String tag(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "latest";
  }

  /** How a daemon is known across restarts: its first API socket or host, else its pid. */
  static String daemonName(DaemonFacts d) {
    List<String> sockets = PostureFactsReader.unixSockets(d.settings());
    if (!sockets.isEmpty()) {
      return sockets.get(0);
    }
    return d.settings().hosts().isEmpty()
        ? "pid " + d.process().pid()
        : d.settings().hosts().get(0);
  }

  /** A setting's value: stated, or Docker's default when the config is known, else unknown. */
  static <T> Optional<T> known(DaemonFacts d, Optional<T> stated, T dockerDefault) {
    return stated.isPresent()
        ? stated
        : d.configKnown() ? Optional.of(dockerDefault) : Optional.empty();
  }

  static PostureFinding host(
      String id,
      String cis,
      FindingSeverity severity,
      String summary,
      Map<String, Object> evidence,
      String remediation,
      String instance) {
    return new PostureFinding(
        id,
        Optional.ofNullable(cis),
        severity,
        summary,
        evidence,
        remediation,
        Optional.empty(),
        instance);
  }

  static PostureFinding on(
      ContainerInfo c,
      String id,
      String cis,
      FindingSeverity severity,
      String summary,
      Map<String, Object> evidence,
      String remediation) {
    return new PostureFinding(
        id, Optional.ofNullable(cis), severity, summary, evidence, remediation, Optional.of(c), "");
  }

  /** Alternating keys and values; ints are not used, lists are copied. */
  static Map<String, Object> evidence(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof List<?> l ? List.copyOf(l) : v);
    }
    return m;
  }
}

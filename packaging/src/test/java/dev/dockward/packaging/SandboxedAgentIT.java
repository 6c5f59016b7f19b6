package dev.dockward.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The installed agent under the shipped unit's own restrictions ({@link UnitSandbox}: its mount
 * namespace, capability bounding set and no_new_privs, read from the installed unit file) still
 * raises what the README promises for the detections those restrictions used to switch off: a
 * mount-only namespace escape, a host file written through a bind mount (the bind source in the
 * host's /tmp, which the sandboxed agent's own /tmp hides), and a Docker API client inside a
 * container's network namespace. No sensor reports itself degraded. The unit's seccomp settings
 * cannot be applied without systemd as init; their system calls and namespace types are checked
 * statically against what the sensors call.
 */
@Tag("integration")
class SandboxedAgentIT {
  private static final Path UNIT = Path.of("/lib/systemd/system/dockward.service");
  private static final String DOCKER = "/usr/bin/docker";
  private static final String IMAGE = "dockward/busybox:test";
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final String LABEL = "dockward.test=sandbox-" + ProcessHandle.current().pid();
  private static final String CLIENT_IMAGE =
      "dockward/sandbox-client:" + ProcessHandle.current().pid();

  @BeforeAll
  static void install() throws Exception {
    PackageIT.sh(PackageIT.PURGE_JOURNAL, "dpkg", "--purge", "dockward");
    PackageIT.Result r = PackageIT.sh("dpkg", "-i", PackageIT.deb().toString());
    assertEquals(0, r.code(), r.out());
  }

  @AfterAll
  static void purge() throws Exception {
    PackageIT.Result r = PackageIT.sh(PackageIT.PURGE_JOURNAL, "dpkg", "--purge", "dockward");
    assertEquals(0, r.code(), r.out());
  }

  @Test
  void theUnitAllowsTheSystemCallsAndNamespaceTypesTheSensorsUse() throws Exception {
    UnitSandbox unit = UnitSandbox.of(UNIT);
    Set<String> allowed = unit.allowedSyscalls();
    // fanotify: the host write watch; setns: the Docker socket watch inside containers' network
    // namespaces; the rest: netlink, /proc and sock_diag reads every sensor makes.
    for (String call :
        List.of(
            "fanotify_init",
            "fanotify_mark",
            "setns",
            "socket",
            "bind",
            "sendto",
            "recvfrom",
            "poll",
            "openat",
            "readlinkat",
            "read",
            "close")) {
      assertTrue(allowed.contains(call), call + " is not allowed by the unit's SystemCallFilter");
    }
    for (String call : List.of("mount", "umount2", "init_module", "reboot")) {
      assertFalse(allowed.contains(call), call + " should stay forbidden");
    }
    String namespaces = unit.value("RestrictNamespaces").orElse("no");
    assertTrue(
        namespaces.equals("no") || Arrays.asList(namespaces.split("\\s+")).contains("net"),
        "RestrictNamespaces must let the agent join network namespaces: " + namespaces);
    assertTrue(
        unit.boundingSet().contains("+sys_admin"),
        "fanotify and setns need CAP_SYS_ADMIN: " + unit.boundingSet());
  }

  @Test
  void underTheUnitsSandboxEscapesHostWritesAndSocketPeersAreStillCaught() throws Exception {
    UnitSandbox unit = UnitSandbox.of(UNIT);
    // The journal under ReadWritePaths; the bind source in the host's /tmp (PrivateTmp hides it).
    Path work =
        Files.createDirectories(
            Path.of("/var/lib/dockward/sandbox-it-" + ProcessHandle.current().pid()));
    Path hostDir = Files.createTempDirectory("dockward-sandbox-host");
    Files.createDirectories(hostDir.resolve("home/alice/.ssh"));
    Path config = Files.writeString(work.resolve("dockward.yaml"), "metrics: {enabled: false}\n");
    List<String> command =
        unit.wrap(
            List.of(
                "/usr/bin/dockward",
                "run",
                "--config",
                config.toString(),
                "--journal",
                work.resolve("journal").toString(),
                "--duration",
                "300s"));
    Process agent = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("reader: " + e);
              }
            },
            "sandboxed-agent-output");
    reader.setDaemon(true);
    reader.start();
    try {
      await(lines, l -> l.contains("dockward running"), "the sandboxed agent to start", agent);
      assertTrue(
          lines.stream()
              .anyMatch(
                  l ->
                      l.contains("host namespaces read from dockerd")
                          || l.contains("host namespaces read from pid 1")),
          "the host reference is a host process, not the sandboxed agent: " + lines);

      // 1. An escape into the host's mount namespace alone (pid is the host's already: --pid=host).
      String escaper =
          run(
              List.of(
                  "--pid=host",
                  "--network=none",
                  "--cap-add",
                  "ALL",
                  "--cap-drop",
                  "SYS_RESOURCE",
                  "--security-opt",
                  "seccomp=unconfined",
                  "--security-opt",
                  "apparmor=unconfined"),
              IMAGE,
              "sleep",
              "300");
      sh(
          DOCKER,
          "exec",
          escaper,
          "nsenter",
          "-t",
          Long.toString(dockerdPid()),
          "-m",
          "sh",
          "-c",
          "sleep 5");
      await(
          lines, alert("container_escape_namespace", escaper), "container_escape_namespace", agent);

      // 2. A host file written through a bind mount whose source the sandbox's own /tmp hides.
      String writer =
          run(
              List.of("--network=none", "-v", hostDir.resolve("home") + ":/h"),
              IMAGE,
              "sleep",
              "300");
      sh(
          DOCKER,
          "exec",
          writer,
          "sh",
          "-c",
          "echo 'ssh-ed25519 AAAA x' >> /h/alice/.ssh/authorized_keys");
      await(
          lines,
          alert("host_file_written_from_container", writer),
          "host_file_written_from_container",
          agent);

      // 3. A Docker API client under a name no rule knows, seen only by its connection inside the
      // container's network namespace.
      buildClientImage();
      String client =
          run(
              List.of("--network=none", "-v", "/var/run/docker.sock:/var/run/docker.sock"),
              CLIENT_IMAGE,
              "sleep",
              "300");
      sh(
          DOCKER,
          "exec",
          "-d",
          client,
          "sh",
          "-c",
          "cp " + DOCKER + " /tmp/dctl && exec /tmp/dctl events");
      await(
          lines,
          alert("docker_socket_access_from_container", client)
              .and(l -> l.contains("\"how\":\"connected to /var/run/docker.sock\"")),
          "docker_socket_access_from_container from the socket watch",
          agent);

      assertFalse(
          lines.stream().anyMatch(l -> l.contains("\"rule\":\"agent_sensor_degraded\"")),
          "no sensor is degraded under the unit's sandbox: "
              + lines.stream().filter(l -> l.contains("agent_sensor_degraded")).toList());
    } finally {
      PackageIT.sh(
          "sh",
          "-c",
          DOCKER + " ps -aq --filter label=" + LABEL + " | xargs -r " + DOCKER + " rm -f");
      PackageIT.sh(DOCKER, "rmi", "-f", CLIENT_IMAGE);
      agent.destroy(); // SIGTERM to the process this test started
      if (!agent.waitFor(60, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
      deleteTree(work);
      deleteTree(hostDir);
    }
  }

  private static Predicate<String> alert(String rule, String containerId) {
    return l ->
        l.contains("\"kind\":\"alert\"")
            && l.contains("\"rule\":\"" + rule + "\"")
            && l.contains(containerId);
  }

  private static void await(
      List<String> lines, Predicate<String> match, String what, Process agent) {
    long end = System.nanoTime() + DEADLINE_NANOS;
    while (System.nanoTime() < end) {
      if (lines.stream().anyMatch(match)) {
        return;
      }
      if (!agent.isAlive()) {
        throw new AssertionError(
            "the sandboxed agent ended (" + agent.exitValue() + ") before " + what + ": " + lines);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new AssertionError("no " + what + " within 60 s; the agent printed: " + lines);
  }

  private static String run(List<String> options, String image, String... command)
      throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(DOCKER, "run", "-d", "--label", LABEL));
    cmd.addAll(options);
    cmd.add(image);
    cmd.addAll(List.of(command));
    return sh(cmd.toArray(String[]::new)).strip();
  }

  private static String sh(String... cmd) throws Exception {
    PackageIT.Result r = PackageIT.sh(cmd);
    assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.out());
    return r.out();
  }

  private static long dockerdPid() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/dockerd")).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .min()
        .orElseThrow(() -> new IllegalStateException("dockerd is not running"));
  }

  /** busybox and Debian's Docker client (it needs only libc) in an image built offline. */
  private static void buildClientImage() throws Exception {
    Path root = Files.createTempDirectory("dockward-sandbox-client");
    try {
      Files.createDirectories(root.resolve("bin"));
      Files.createDirectories(root.resolve("tmp"));
      Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
      for (String applet : List.of("sh", "sleep", "cp")) {
        Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
      }
      for (String file :
          List.of(DOCKER, "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2")) {
        Path target = root.resolve(file.substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(Path.of(file), target); // follows links: the files themselves
      }
      sh("sh", "-c", "tar -C " + root + " -c . | " + DOCKER + " import - " + CLIENT_IMAGE);
    } finally {
      deleteTree(root);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package dev.dockward.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Drives Debian's docker client for integration tests. Every container gets this instance's label,
 * so {@link #removeAll} removes exactly what the test started.
 */
public final class DockerCli {
  public static final String DOCKER = "/usr/bin/docker";
  public static final String IMAGE = "dockward/busybox:test";
  private final String label = "dockward.test=" + UUID.randomUUID();

  /** Runs {@code docker args…}; returns trimmed stdout, fails the test on a non-zero exit. */
  /**
   * As dangerous as --privileged (which fails on the test machines): every capability but one, no
   * seccomp or AppArmor profile, the host's pid namespace, no network.
   */
  public static final List<String> ALMOST_PRIVILEGED =
      List.of(
          "--cap-add",
          "ALL",
          "--cap-drop",
          "SYS_RESOURCE",
          "--security-opt",
          "seccomp=unconfined",
          "--security-opt",
          "apparmor=unconfined",
          "--pid=host",
          "--network=none");

  /** The host's Docker daemon's pid: a process in the host's namespaces to nsenter into. */
  public static int dockerdPid() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/dockerd")).orElse(false))
        .mapToInt(p -> (int) p.pid())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("dockerd is not running"));
  }

  public String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(DOCKER);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException(cmd + " exited " + p.exitValue() + ": " + text);
    }
    return text;
  }

  /** {@code docker run -d --label … --name name [options…] IMAGE command…}; returns the full id. */
  public String runDetached(String name, List<String> options, String... command)
      throws IOException, InterruptedException {
    return runImage(name, options, IMAGE, command);
  }

  /** {@code docker run -d --label … --name name [options…] image command…}; returns the full id. */
  public String runImage(String name, List<String> options, String image, String... command)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--label", label, "--name", name));
    args.addAll(options);
    args.add(image);
    args.addAll(List.of(command));
    return docker(args.toArray(String[]::new));
  }

  public long initPid(String id) throws IOException, InterruptedException {
    return Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", id));
  }

  public void removeAll() throws IOException, InterruptedException {
    String ids = docker("ps", "-aq", "--filter", "label=" + label);
    if (!ids.isBlank()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f"));
      args.addAll(List.of(ids.split("\\s+")));
      docker(args.toArray(String[]::new));
    }
    String networks = docker("network", "ls", "-q", "--filter", "label=" + label);
    if (!networks.isBlank()) {
      List<String> args = new ArrayList<>(List.of("network", "rm"));
      args.addAll(List.of(networks.split("\\s+")));
      docker(args.toArray(String[]::new));
    }
  }

  /**
   * {@code docker network create --internal} with this instance's label (TESTING.md: never
   * masqueraded out).
   */
  public void createInternalNetwork(String name) throws IOException, InterruptedException {
    docker("network", "create", "--internal", "--label", label, name);
  }

  /** The same with more {@code docker network create} options ({@code --subnet …}). */
  public void createInternalNetwork(String name, List<String> options)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("network", "create", "--internal", "--label", label));
    args.addAll(options);
    args.add(name);
    docker(args.toArray(String[]::new));
  }

  /** The container's address on its (only) network. */
  public String ipAddress(String container) throws IOException, InterruptedException {
    return docker(
        "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container);
  }

  /** A container name unique to this run (names need two characters or more). */
  public static String uniqueName(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

package dev.dockward.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Drives Debian's docker client for integration tests. Every container gets this instance's
 * label, so {@link #removeAll} removes exactly what the test started.
 */
public final class DockerCli {
  public static final String DOCKER = "/usr/bin/docker";
  public static final String IMAGE = "dockward/busybox:test";
  private final String label = "dockward.test=" + UUID.randomUUID();

  /** Runs {@code docker args…}; returns trimmed stdout, fails the test on a non-zero exit. */
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
  public String runDetached(String name, List<String> options, String... command) throws IOException, InterruptedException {
    return runDetachedImage(IMAGE, name, options, command);
  }

  /** {@link #runDetached} with another image. */
  public String runDetachedImage(String image, String name, List<String> options, String... command)
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
  }

  /** A container name unique to this run (names need two characters or more). */
  public static String uniqueName(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

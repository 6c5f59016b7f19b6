package dev.dockward.agent.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A second dockerd for posture tests: its own data root, exec root, pid file and unix socket under
 * a temporary directory, and its API on {@code tcp://127.0.0.1:<free port>} without TLS.
 *
 * <p>It gets a bridge of its own rather than {@code --bridge=none}: with the default bridge turned
 * off, dockerd deletes the host's {@code docker0} at start, which breaks the system daemon's
 * containers (seen while recording the fixtures). {@code --iptables=false} keeps it out of the
 * host's firewall rules. {@link #close} stops it by its PID and removes the bridge.
 */
final class TestDaemon implements AutoCloseable {
  private final Path dir;
  private final String bridge = "dwp" + UUID.randomUUID().toString().substring(0, 8);
  private final int port;
  private Process process;
  private boolean bridgeCreated;

  TestDaemon(Path dir) throws IOException {
    this.dir = dir;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  Path socket() {
    return dir.resolve("docker.sock");
  }

  int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as the posture audit reports the listener. */
  String listen() {
    return "127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Starts dockerd and waits until its unix socket answers. */
  TestDaemon start() throws IOException, InterruptedException {
    int net = ThreadLocalRandom.current().nextInt(1, 250);
    run("ip", "link", "add", bridge, "type", "bridge");
    bridgeCreated = true;
    run("ip", "addr", "add", "10.213." + net + ".1/24", "dev", bridge);
    run("ip", "link", "set", bridge, "up");
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("exec"));
    process =
        new ProcessBuilder(
                "dockerd",
                "--data-root",
                dir.resolve("data").toString(),
                "--exec-root",
                dir.resolve("exec").toString(),
                "--pidfile",
                dir.resolve("dockerd.pid").toString(),
                "-H",
                "unix://" + socket(),
                "-H",
                "tcp://127.0.0.1:" + port,
                "--bridge=" + bridge,
                "--iptables=false",
                "--ip-masq=false",
                "--storage-driver=vfs")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("dockerd.log").toFile())
            .start();
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException("test dockerd exited " + process.exitValue() + ": " + log());
      }
      if (answers()) {
        return this;
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    throw new IOException("test dockerd did not answer on " + socket() + " within 90s: " + log());
  }

  private boolean answers() throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + socket(), "version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  String log() {
    try {
      String text = Files.readString(dir.resolve("dockerd.log"));
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * SIGTERM to our dockerd and a wait for it to end (SIGKILL after 60 s, then its containerd too).
   */
  void stop() throws IOException, InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      // A killed dockerd leaves the containerd it started for this exec root behind.
      Path containerdPid = dir.resolve("exec/containerd/containerd.pid");
      if (Files.exists(containerdPid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(containerdPid).strip()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      stop();
    } finally {
      if (bridgeCreated) {
        run("ip", "link", "del", bridge);
      }
    }
  }

  static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + List.of(cmd));
    }
    if (p.exitValue() != 0) {
      throw new IOException(List.of(cmd) + " exited " + p.exitValue() + ": " + out.strip());
    }
  }
}

package dev.dockward.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The .deb this build made, installed on this machine for real: the launcher, the config check,
 * the unit, the installed agent run by hand (systemd is not the init here), and a purge that
 * leaves nothing behind.
 */
@Tag("integration")
class PackageIT {
  private static final List<Path> INSTALLED = List.of(Path.of("/usr/bin/dockward"), Path.of("/usr/share/dockward"),
      Path.of("/etc/dockward"), Path.of("/var/lib/dockward"), Path.of("/lib/systemd/system/dockward.service"));

  record Result(int code, String out) {}

  static Result sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static Path deb() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files.filter(f -> f.getFileName().toString().matches("dockward_.*_all\\.deb")).findFirst()
          .orElseThrow(() -> new AssertionError("no .deb in target/: the package phase should have built it"))
          .toAbsolutePath();
    }
  }

  @BeforeAll
  static void install() throws Exception {
    sh("dpkg", "--purge", "dockward"); // a leftover from an interrupted run
    Result r = sh("dpkg", "-i", deb().toString());
    assertEquals(0, r.code(), r.out());
  }

  @AfterAll
  static void purgeLeavesNothing() throws Exception {
    Result r = sh("dpkg", "--purge", "dockward");
    assertEquals(0, r.code(), r.out());
    for (Path p : INSTALLED) {
      assertFalse(Files.exists(p), p + " is left after purge");
    }
  }

  @Test
  void installedLauncherRunsAndTheShippedConfigChecksOut() throws Exception {
    Result version = sh("/usr/bin/dockward", "version");
    assertEquals(0, version.code(), version.out());
    assertTrue(version.out().startsWith("dockward 0.1.0"), version.out());

    Result check = sh("/usr/bin/dockward", "config", "check", "/etc/dockward/dockward.yaml");
    assertEquals(0, check.code(), check.out());
    assertTrue(check.out().contains("config ok"), check.out());

    Result conffiles = sh("dpkg-query", "-W", "-f=${Conffiles}", "dockward");
    assertTrue(conffiles.out().contains("/etc/dockward/dockward.yaml"), "the config is a conffile: " + conffiles.out());
  }

  /**
   * The unit's CapabilityBoundingSet suffices: the installed agent, under setpriv with exactly
   * those capabilities, still reads other processes' exe and namespaces and talks to Docker.
   */
  @Test
  void theUnitsBoundingSetSufficesForTheAgent() throws Exception {
    String bounding = UnitSandbox.of(Path.of("/lib/systemd/system/dockward.service")).boundingSet();
    Path work = Files.createTempDirectory("dockward-setpriv");
    Path config = Files.writeString(work.resolve("dockward.yaml"), "metrics: {enabled: false}\n");
    String label = "dockward.test=package-" + ProcessHandle.current().pid();
    String id = sh("/usr/bin/docker", "run", "-d", "--label", label, "-v", "/var/run/docker.sock:/var/run/docker.sock",
        "dockward/busybox:test", "sleep", "120").out().strip();
    try {
      String pid = sh("/usr/bin/docker", "inspect", "-f", "{{.State.Pid}}", id).out().strip();
      Result run = sh("setpriv", "--bounding-set", bounding, "--inh-caps", "-all",
          "/usr/bin/dockward", "run", "--config", config.toString(), "--journal", work.resolve("journal").toString(),
          "--duration", "6s");
      assertEquals(0, run.code(), run.out());
      assertTrue(run.out().contains("\"rule\":\"docker_socket_mounted\"") && run.out().contains(id),
          "Docker is reachable with the bounding set " + bounding + ": " + run.out());
      Result events = sh("/usr/bin/dockward", "replay", "--journal", work.resolve("journal").toString(),
          "--kind", "events", "--container", id);
      String init = events.out().lines().filter(l -> l.contains("\"type\":\"exec\"") && l.contains("\"pid\":" + pid + ","))
          .findFirst().orElseThrow(() -> new AssertionError("no exec event for pid " + pid + ": " + events.out()));
      assertTrue(init.contains("\"exe\":\"/bin/busybox\""), "exe of another process read: " + init);
      assertTrue(init.contains("\"mnt\":"), "namespaces of another process read: " + init);
    } finally {
      sh("/usr/bin/docker", "rm", "-f", id);
    }
  }

  @Test
  void unitFileVerifies() throws Exception {
    Result r = sh("systemd-analyze", "verify", "/lib/systemd/system/dockward.service");
    assertEquals(0, r.code(), r.out());
  }

  @Test
  void installedAgentRunsByHandServesHealthAndMetricsAndJournalsUnderVarLib() throws Exception {
    Process agent = new ProcessBuilder("/usr/bin/dockward", "run", "--config", "/etc/dockward/dockward.yaml",
        "--duration", "10s").redirectErrorStream(true).start();
    java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:9464";
    int ready = -1;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ready != 200 && System.nanoTime() < end && agent.isAlive()) {
      try {
        ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health/ready")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (IOException notYetListening) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    assertEquals(200, ready, "the installed agent answers /health/ready on the default port");
    // Ready comes before the first /proc scan is journalled: poll until its events are counted.
    String metrics = "";
    while (!metrics.contains("dockward_events_total{source=\"proc_scan\",type=\"exec\"}") && System.nanoTime() < end
        && agent.isAlive()) {
      metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    assertTrue(metrics.contains("dockward_events_total{source=\"proc_scan\",type=\"exec\"}"), metrics);
    assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "--duration ends the agent");
    Result run = new Result(agent.exitValue(), output.get(10, TimeUnit.SECONDS));
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("dockward running"), run.out());
    assertTrue(run.out().contains("journal /var/lib/dockward/journal"), run.out());

    Result replay = sh("/usr/bin/dockward", "replay", "--kind", "events");
    assertEquals(0, replay.code(), replay.out());
    assertTrue(replay.out().lines().anyMatch(l -> l.contains("\"type\":\"exec\"")),
        "the /proc scan's events are in the installed journal");
  }
}

package dev.dockward.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The .deb this build made, installed on this machine for real: the launcher, the config check, the
 * unit (enabled, not started, as the install says), the documents, the installed agent run by hand
 * (systemd is not the init here), a purge that keeps the journal and nothing else, and a purge with
 * {@code DOCKWARD_PURGE_JOURNAL=yes} that leaves nothing behind.
 */
@Tag("integration")
class PackageIT {
  private static final Path JOURNAL = Path.of("/var/lib/dockward/journal");

  /** The agent's default metrics and health port, as the shipped config also sets it. */
  private static final int METRICS_PORT = 10464;

  private static final Path ENABLED =
      Path.of("/etc/systemd/system/multi-user.target.wants/dockward.service");

  /**
   * Everything a purge removes, the journal's parent excepted (a default purge keeps the journal).
   */
  private static final List<Path> INSTALLED =
      List.of(
          Path.of("/usr/bin/dockward"),
          Path.of("/usr/share/dockward"),
          Path.of("/etc/dockward"),
          Path.of("/lib/systemd/system/dockward.service"),
          Path.of("/usr/share/doc/dockward"),
          Path.of("/usr/share/man/man1/dockward.1.gz"),
          Path.of("/usr/share/bash-completion/completions/dockward"),
          ENABLED);

  private static String installOutput;

  record Result(int code, String out) {}

  static Result sh(String... cmd) throws IOException, InterruptedException {
    return sh(Map.of(), cmd);
  }

  static Result sh(Map<String, String> env, String... cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static Path deb() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("dockward_.*_all\\.deb"))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError("no .deb in target/: the package phase should have built it"))
          .toAbsolutePath();
    }
  }

  @BeforeAll
  static void install() throws Exception {
    sh(PURGE_JOURNAL, "dpkg", "--purge", "dockward"); // a leftover from an interrupted run
    sh("rm", "-rf", "/var/lib/dockward");
    Result r = sh("dpkg", "-i", deb().toString());
    assertEquals(0, r.code(), r.out());
    installOutput = r.out();
  }

  static final Map<String, String> PURGE_JOURNAL = Map.of("DOCKWARD_PURGE_JOURNAL", "yes");

  /**
   * A plain purge removes everything but the journal, whose files stay as they were, and says so; a
   * purge with DOCKWARD_PURGE_JOURNAL=yes (after installing again) leaves nothing.
   */
  @AfterAll
  static void purgeKeepsTheJournalUnlessAskedAndLeavesNothingElse() throws Exception {
    Files.writeString(JOURNAL.resolve("evidence.txt"), "kept\n"); // something the journal dir holds
    List<String> journalBefore = listing(JOURNAL);
    Result r = sh("dpkg", "--purge", "dockward");
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("purge keeps the journal /var/lib/dockward/journal"), r.out());
    for (Path p : INSTALLED) {
      assertFalse(Files.exists(p), p + " is left after purge");
    }
    assertEquals(journalBefore, listing(JOURNAL), "a plain purge keeps the journal as it was");
    assertEquals(
        List.of("journal"), listing(Path.of("/var/lib/dockward")), "only the journal is kept");

    Result again = sh("dpkg", "-i", deb().toString());
    assertEquals(0, again.code(), again.out());
    Result purge = sh(PURGE_JOURNAL, "dpkg", "--purge", "dockward");
    assertEquals(0, purge.code(), purge.out());
    for (Path p : INSTALLED) {
      assertFalse(Files.exists(p), p + " is left after purge with DOCKWARD_PURGE_JOURNAL=yes");
    }
    assertFalse(
        Files.exists(Path.of("/var/lib/dockward")),
        "DOCKWARD_PURGE_JOURNAL=yes removes the journal");
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * postinst does what it says: the unit is enabled for boot and not started (systemd is not init
   * here).
   */
  @Test
  void theInstallEnablesTheUnitAndSaysItIsNotStarted() {
    assertTrue(Files.isSymbolicLink(ENABLED), ENABLED + " links the unit for boot");
    assertTrue(
        installOutput.contains(
            "the dockward service is enabled (it starts at boot) but not started"),
        installOutput);
  }

  @Test
  void theCopyrightChangelogManPageCompletionAndDocsAreInstalled() throws Exception {
    String copyright = Files.readString(Path.of("/usr/share/doc/dockward/copyright"));
    assertTrue(
        copyright.startsWith(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"),
        copyright);
    // Every third-party jar is named by a Files pattern of the copyright file (ours fall under
    // "Files: *").
    List<String> patterns =
        copyright
            .lines()
            .map(String::strip)
            .map(l -> l.startsWith("Files:") ? l.substring("Files:".length()).strip() : l)
            .filter(l -> l.startsWith("usr/share/dockward/lib/"))
            .toList();
    try (Stream<Path> jars = Files.list(Path.of("/usr/share/dockward/lib"))) {
      for (Path jar :
          jars.filter(j -> !j.getFileName().toString().startsWith("dockward-")).toList()) {
        String rel = "usr/share/dockward/lib/" + jar.getFileName();
        assertTrue(
            patterns.stream().anyMatch(p -> rel.matches(p.replace(".", "\\.").replace("*", ".*"))),
            rel + " has no license stanza in the copyright file");
      }
    }
    String version = sh("dpkg-query", "-W", "-f=${Version}", "dockward").out();
    Result changelog = sh("zcat", "/usr/share/doc/dockward/changelog.Debian.gz");
    assertTrue(
        changelog.out().startsWith("dockward (" + version + ") "),
        version + " vs " + changelog.out());
    Result man = sh("zcat", "/usr/share/man/man1/dockward.1.gz");
    assertTrue(man.out().startsWith(".TH DOCKWARD 1 "), man.out());
    assertTrue(
        man.out().contains(".SS \"dockward replay\"") && man.out().contains("\\-\\-journal"),
        man.out());
    // The completion, loaded as bash-completion loads it, completes the installed command's values.
    Result completion =
        sh(
            "bash",
            "--norc",
            "-c",
            "source /usr/share/bash-completion/completions/dockward; "
                + "COMP_WORDS=(dockward replay --format ''); COMP_CWORD=3; COMP_LINE='dockward replay --format '; "
                + "COMP_POINT=${#COMP_LINE}; _complete_dockward 2>/dev/null; echo \"${COMPREPLY[*]}\"; complete -p dockward");
    assertEquals(0, completion.code(), completion.out());
    assertTrue(
        completion.out().startsWith("jsonl text\n")
            && completion.out().contains("_complete_dockward dockward"),
        completion.out());
    assertTrue(Files.exists(Path.of("/usr/share/doc/dockward/README.md")));
    assertTrue(Files.exists(Path.of("/usr/share/doc/dockward/docs/rule-format.md")));
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
    assertTrue(
        conffiles.out().contains("/etc/dockward/dockward.yaml"),
        "the config is a conffile: " + conffiles.out());
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
    String id =
        sh(
                "/usr/bin/docker",
                "run",
                "-d",
                "--label",
                label,
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
                "dockward/busybox:test",
                "sleep",
                "120")
            .out()
            .strip();
    try {
      String pid = sh("/usr/bin/docker", "inspect", "-f", "{{.State.Pid}}", id).out().strip();
      Result run =
          sh(
              "setpriv",
              "--bounding-set",
              bounding,
              "--inh-caps",
              "-all",
              "/usr/bin/dockward",
              "run",
              "--config",
              config.toString(),
              "--journal",
              work.resolve("journal").toString(),
              "--duration",
              "6s");
      assertEquals(0, run.code(), run.out());
      assertTrue(
          run.out().contains("\"rule\":\"docker_socket_mounted\"") && run.out().contains(id),
          "Docker is reachable with the bounding set " + bounding + ": " + run.out());
      Result events =
          sh(
              "/usr/bin/dockward",
              "replay",
              "--journal",
              work.resolve("journal").toString(),
              "--kind",
              "events",
              "--container",
              id);
      String init =
          events
              .out()
              .lines()
              .filter(l -> l.contains("\"type\":\"exec\"") && l.contains("\"pid\":" + pid + ","))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no exec event for pid " + pid + ": " + events.out()));
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
    Process agent =
        new ProcessBuilder(
                "/usr/bin/dockward",
                "run",
                "--config",
                "/etc/dockward/dockward.yaml",
                "--duration",
                "10s")
            .redirectErrorStream(true)
            .start();
    java.util.concurrent.CompletableFuture<String> output =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + METRICS_PORT;
    int ready = -1;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ready != 200 && System.nanoTime() < end && agent.isAlive()) {
      try {
        ready =
            http.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(base + "/health/ready"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .statusCode();
      } catch (IOException notYetListening) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    assertEquals(200, ready, "the installed agent answers /health/ready on the default port");
    // Ready comes before the first /proc scan is journalled: poll until its events are counted.
    String metrics = "";
    while (!metrics.contains("dockward_events_total{source=\"proc_scan\",type=\"exec\"}")
        && System.nanoTime() < end
        && agent.isAlive()) {
      metrics =
          http.send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    assertTrue(
        metrics.contains("dockward_events_total{source=\"proc_scan\",type=\"exec\"}"), metrics);
    assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "--duration ends the agent");
    Result run = new Result(agent.exitValue(), output.get(10, TimeUnit.SECONDS));
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("dockward running"), run.out());
    assertTrue(run.out().contains("journal /var/lib/dockward/journal"), run.out());

    Result replay = sh("/usr/bin/dockward", "replay", "--kind", "events");
    assertEquals(0, replay.code(), replay.out());
    assertTrue(
        replay.out().lines().anyMatch(l -> l.contains("\"type\":\"exec\"")),
        "the /proc scan's events are in the installed journal");
  }
}

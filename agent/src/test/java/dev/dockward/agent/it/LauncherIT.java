package dev.dockward.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.cli.DockwardCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command, {@code bin/dockward run}, as a separate process: alerts on its stdout, its
 * log on stderr, and SIGTERM ending it cleanly with everything journalled.
 */
@Tag("integration")
class LauncherIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final DockerCli docker = new DockerCli();
  private Process agent;

  @TempDir Path dir;

  @AfterEach
  void cleanUp() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    docker.removeAll();
  }

  private static void collect(InputStream in, LineCapture into) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  into.stream().println(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private static void hangup(Process p) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
  }

  private static String markerRule(String marker) {
    return "rules:\n  - id: marker_"
        + marker
        + "\n"
        + "    condition: event.type == \"container_start\" && container.labels[\"dw.marker\"] == \""
        + marker
        + "\"\n"
        + "    severity: low\n    output: \"marked {container.name}\"\n";
  }

  @Test
  void sighupReloadsRulesAndABrokenEditKeepsTheLastGoodVersion() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path rules = Files.createDirectories(dir.resolve("rules.d"));
    Path mine = Files.writeString(rules.resolve("mine.yaml"), markerRule("a"));
    agent =
        new ProcessBuilder(
                root.resolve("bin/dockward").toString(),
                "run",
                "--journal",
                dir.resolve("journal").toString(),
                "--rules",
                rules.toString())
            .start();
    LineCapture out = new LineCapture();
    LineCapture err = new LineCapture();
    collect(agent.getInputStream(), out);
    collect(agent.getErrorStream(), err);
    err.await(
        l -> l.contains("following Docker daemon"), DEADLINE, "the agent connected to Docker");

    String a =
        docker.runDetached(
            DockerCli.uniqueName("marked"), List.of("--label", "dw.marker=a"), "sleep", "60");
    out.await(
        l -> l.contains("\"rule\":\"marker_a\"") && l.contains(a),
        DEADLINE,
        "marker_a from the first load");

    Files.writeString(mine, markerRule("b"));
    hangup(agent);
    err.await(l -> l.contains("reload: ") && l.contains("rules loaded"), DEADLINE, "the reload");
    String b =
        docker.runDetached(
            DockerCli.uniqueName("marked"), List.of("--label", "dw.marker=b"), "sleep", "60");
    out.await(
        l -> l.contains("\"rule\":\"marker_b\"") && l.contains(b),
        DEADLINE,
        "marker_b after SIGHUP");

    Files.writeString(
        mine, "rules:\n  - id: marker_c\n    condition: container.labels[\n    severity: low\n");
    hangup(agent);
    err.await(l -> l.contains(mine + ":3:"), DEADLINE, "the broken file named with its line");
    err.await(
        l -> l.contains("keeping the version that loaded before"),
        DEADLINE,
        "the last good version kept");
    String b2 =
        docker.runDetached(
            DockerCli.uniqueName("marked"), List.of("--label", "dw.marker=b"), "sleep", "60");
    out.await(
        l -> l.contains("\"rule\":\"marker_b\"") && l.contains(b2),
        DEADLINE,
        "marker_b still fires");
  }

  @Test
  void launcherPrintsAlertsAndSigtermStopsItWithTheJournalComplete() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path launcher = root.resolve("bin/dockward");
    assertTrue(Files.isExecutable(launcher), launcher + " is the README's command");
    Path journal = dir.resolve("journal");
    agent = new ProcessBuilder(launcher.toString(), "run", "--journal", journal.toString()).start();
    LineCapture out = new LineCapture();
    LineCapture err = new LineCapture();
    collect(agent.getInputStream(), out);
    collect(agent.getErrorStream(), err);
    err.await(
        l -> l.contains("following Docker daemon"), DEADLINE, "the agent connected to Docker");

    String name = DockerCli.uniqueName("launched");
    String id =
        docker.runDetached(
            name,
            List.of(
                "--cap-add",
                "SYS_ADMIN",
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
                "--pid=host"),
            "sleep",
            "300");
    String alert =
        out.await(
            l -> l.contains("\"rule\":\"docker_socket_mounted\"") && l.contains(id),
            DEADLINE,
            "docker_socket_mounted on the launcher's stdout");

    // Process.destroy() would also close our ends of its pipes: send SIGTERM with kill instead.
    assertEquals(
        0, new ProcessBuilder("kill", "-TERM", Long.toString(agent.pid())).start().waitFor());
    assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends the agent");
    // The JVM reports death by SIGTERM as 143 once its shutdown hooks (our clean stop) have run.
    assertEquals(143, agent.exitValue());
    err.await(l -> l.contains("dockward stopped"), Duration.ofSeconds(5), "the clean-stop line");
    assertTrue(
        out.lines().stream().allMatch(l -> l.startsWith("{\"schema\":1,")),
        "stdout carries records only: " + out.lines());

    StringWriter replayed = new StringWriter();
    assertEquals(
        0,
        DockwardCli.commandLine()
            .setOut(new PrintWriter(replayed))
            .execute("replay", "--journal", journal.toString(), "--kind", "alerts"));
    assertTrue(
        replayed.toString().lines().toList().containsAll(out.lines()),
        "every alert printed before SIGTERM is in the journal");
    assertTrue(replayed.toString().contains(alert));
  }
}

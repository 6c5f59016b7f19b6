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
 * The README's command, {@code bin/dockward run}, as a separate process: alerts on its stdout,
 * its log on stderr, and SIGTERM ending it cleanly with everything journalled.
 */
@Tag("integration")
class LauncherIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final DockerCli docker = new DockerCli();
  private Process agent;

  @TempDir
  Path dir;

  @AfterEach
  void cleanUp() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    docker.removeAll();
  }

  private static void collect(InputStream in, LineCapture into) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
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
    err.await(l -> l.contains("following Docker daemon"), DEADLINE, "the agent connected to Docker");

    String name = DockerCli.uniqueName("launched");
    String id = docker.runDetached(name, List.of("--cap-add", "SYS_ADMIN",
        "-v", "/var/run/docker.sock:/var/run/docker.sock", "--pid=host"), "sleep", "300");
    String alert = out.await(l -> l.contains("\"rule\":\"docker_socket_mounted\"") && l.contains(id), DEADLINE,
        "docker_socket_mounted on the launcher's stdout");

    // Process.destroy() would also close our ends of its pipes: send SIGTERM with kill instead.
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(agent.pid())).start().waitFor());
    assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends the agent");
    // The JVM reports death by SIGTERM as 143 once its shutdown hooks (our clean stop) have run.
    assertEquals(143, agent.exitValue());
    err.await(l -> l.contains("dockward stopped"), Duration.ofSeconds(5), "the clean-stop line");
    assertTrue(out.lines().stream().allMatch(l -> l.startsWith("{\"schema\":1,")),
        "stdout carries records only: " + out.lines());

    StringWriter replayed = new StringWriter();
    assertEquals(0, DockwardCli.commandLine().setOut(new PrintWriter(replayed))
        .execute("replay", "--journal", journal.toString(), "--kind", "alerts"));
    assertTrue(replayed.toString().lines().toList().containsAll(out.lines()),
        "every alert printed before SIGTERM is in the journal");
    assertTrue(replayed.toString().contains(alert));
  }
}

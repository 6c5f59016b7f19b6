package dev.dockward.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.cli.DockwardCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with network capture enabled but without {@code CAP_NET_RAW} (dropped from the bounding
 * set by {@code setpriv}, so even root cannot open an AF_PACKET socket): one clear warning, and the
 * agent runs on.
 */
@Tag("integration")
class CaptureWithoutPermissionIT {
  @TempDir Path dir;

  @Test
  void withoutCapNetRawTheAgentWarnsOnceAndRuns() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("dockward.yaml"),
            String.join(
                "\n",
                "sources:",
                "  network: {enabled: true}",
                "  netlink: {enabled: false}",
                "posture: {enabled: false}",
                "metrics: {enabled: false}",
                "sinks:",
                "  stdout: {enabled: \"true\", events: true}",
                ""));
    List<String> cmd =
        List.of(
            "setpriv",
            "--bounding-set",
            "-net_raw",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            DockwardCli.class.getName(),
            "run",
            "--config",
            config.toString(),
            "--journal",
            dir.resolve("journal").toString(),
            "--duration",
            "3s");
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(dir.resolve("err").toFile())
            .redirectOutput(dir.resolve("out").toFile())
            .start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the agent did not stop after --duration");
    String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
    String out = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), err);
    List<String> warnings =
        err.lines().filter(l -> l.contains("network capture unavailable")).toList();
    assertEquals(1, warnings.size(), err);
    assertTrue(warnings.get(0).contains("CAP_NET_RAW"), warnings.get(0));
    assertTrue(out.contains("\"type\":\"agent_started\""), out);
    assertTrue(out.contains("\"type\":\"agent_stopped\""), out);
    assertTrue(!out.contains("\"type\":\"flow\""), out);
    // The blind sensor is data and an alert, not only a log line.
    String started =
        out.lines().filter(l -> l.contains("\"type\":\"agent_started\"")).findFirst().orElseThrow();
    assertTrue(
        started.contains(
            "{\"name\":\"network\",\"state\":\"degraded\",\"reason\":\"network capture unavailable"),
        started);
    assertTrue(
        out.lines()
            .anyMatch(
                l -> l.contains("\"rule\":\"agent_sensor_degraded\"") && l.contains("CAP_NET_RAW")),
        out);
  }
}

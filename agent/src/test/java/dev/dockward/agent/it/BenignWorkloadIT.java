package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.agent.schema.RecordSchema;
import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.rules.RuleEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Ordinary container work raises none of the rules of intruder-tools.yaml and intrusion.yaml, nor
 * the namespace and capability rules: a web server and a client fetching from it on an internal
 * network, a batch of shell loops, a package-less entrypoint script, {@code docker restart}, and an
 * administrator's {@code docker exec} of everyday commands (as root and as another user). Every
 * other alert these workloads raise is printed (to stderr, prefixed "benign workload alert") for
 * the report, not asserted: those rules have their own precision tests.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenignWorkloadIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  /** The rules this workload must not raise. */
  private static final Set<String> NEW_RULES =
      Set.of(
          "cloud_metadata_access_from_container",
          "cloud_metadata_flow_from_container",
          "crypto_miner_in_container",
          "mining_pool_connection_from_container",
          "download_piped_to_shell_in_container",
          "package_manager_in_container",
          "recon_tool_in_container",
          "loader_hijack_env_in_container",
          "namespace_unshare_in_container",
          "capability_gained_in_container",
          "crypto_miner_burning_cpu",
          "k8s_api_contact_from_container",
          "network_stdio_in_container",
          "ptrace_traceme_in_container",
          "network_stdio_redirect_in_container",
          // intrusion.yaml
          "credential_search_in_container",
          "cloud_credential_search_in_container",
          "bulk_data_wipe_in_container",
          "debugfs_program_in_container",
          "log_clearing_in_container",
          "script_from_temp_dir_in_container",
          "ssh_to_non_standard_port_in_container",
          "sensitive_file_link_in_container",
          "sensitive_file_link_call_in_container",
          "system_user_interactive_in_container");

  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private Agent agent;
  private Path journalDir;

  @BeforeAll
  void startAgent() throws Exception {
    journalDir = Files.createTempDirectory("dockward-benign-it");
    AgentConfig config =
        AgentConfig.DEFAULT
            .withJournal(
                new AgentConfig.Journal(journalDir.toString(), AgentConfig.RollCycle.HOURLY))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null))
            .withMetrics(new AgentConfig.Metrics(true, "127.0.0.1", 0));
    var rules = RuleSetLoading.load(true, List.of(), new PrintWriter(System.err, true));
    assertEquals(List.of(), rules.problems());
    // Every rule of the two intruder files is held to this workload: a rule added there joins the
    // list.
    List<String> unlisted =
        rules.ruleSet().rules().stream()
            .filter(
                r ->
                    r.origin().endsWith("intrusion.yaml")
                        || r.origin().endsWith("intruder-tools.yaml"))
            .map(r -> r.id())
            .filter(id -> !NEW_RULES.contains(id))
            .toList();
    assertEquals(
        List.of(),
        unlisted,
        "rules of intrusion.yaml and intruder-tools.yaml missing from NEW_RULES");
    agent = Agent.start(config, new RuleDetector(new RuleEngine(rules.ruleSet())), stdout.stream());
    Process marker = new ProcessBuilder("/bin/sh", "-c", "exec /bin/sleep 0.2").start();
    long markerPid = marker.pid();
    marker.waitFor();
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "exec".equals(r.get("type"))
              && markerPid == longOf(map(r.get("process")).get("pid"));
        },
        DEADLINE,
        "netlink exec event of the marker process " + markerPid);
  }

  @AfterAll
  void stopAgent() throws Exception {
    try {
      if (agent != null) {
        agent.close();
      }
      new RecordSchema().assertAllValid(stdout.lines());
    } finally {
      docker.removeAll();
      if (journalDir != null) {
        try (var files = Files.walk(journalDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static long longOf(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  /** Polls until {@code /bin/busybox test -e path} succeeds in the container. */
  private void awaitFile(String id, String path) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        docker.docker("exec", id, "/bin/busybox", "test", "-e", path);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > end) {
          throw new AssertionError(
              path + " did not appear in " + id + " within " + DEADLINE, notYet);
        }
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
  }

  /** The container_start of {@code id} after {@code after} such records of it were seen. */
  private void awaitStart(String id, long after) {
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "container_start".equals(r.get("type"))
              && id.equals(containerId(r))
              && stdout.lines().stream()
                      .map(Records::parse)
                      .filter(
                          x -> "container_start".equals(x.get("type")) && id.equals(containerId(x)))
                      .count()
                  > after;
        },
        DEADLINE,
        "container_start " + (after + 1) + " of " + id);
  }

  @Test
  void ordinaryContainerWorkRaisesNoneOfTheIntrusionRules() throws Exception {
    String net = DockerCli.uniqueName("h-covrules-net");
    docker.createInternalNetwork(net);
    String webName = DockerCli.uniqueName("h-covrules-web");
    String web =
        docker.runImage(
            webName,
            List.of("--network", net),
            DockerCli.IMAGE,
            "sh",
            "-c",
            "mkdir -p /www && echo hello > /www/index.html && exec /bin/busybox httpd -f -p 8080 -h /www");
    String client =
        docker.runImage(
            DockerCli.uniqueName("h-covrules-client"),
            List.of("--network", net),
            DockerCli.IMAGE,
            "sh",
            "-c",
            "i=0; while [ $i -lt 30 ]; do wget -qO- http://"
                + webName
                + ":8080/ > /dev/null && i=$((i+1)); /bin/sleep 0.2; done; : > /tmp/done; exec /bin/sleep 600");
    String batch =
        docker.runImage(
            DockerCli.uniqueName("h-covrules-batch"),
            List.of("--network=none"),
            DockerCli.IMAGE,
            "sh",
            "-c",
            "i=0; while [ $i -lt 200 ]; do echo $i > /tmp/n; /bin/cat /tmp/n > /dev/null;"
                + " i=$((i+1)); done; : > /tmp/done; exec /bin/sleep 600");
    // An entrypoint script that sets up and runs its service, installing nothing.
    String entry =
        docker.runImage(
            DockerCli.uniqueName("h-covrules-entry"),
            List.of("--network=none", "--entrypoint", "/bin/sh", "-e", "APP_MODE=production"),
            DockerCli.IMAGE,
            "-c",
            "echo starting in $APP_MODE; mkdir -p /srv && echo ok > /srv/health; /bin/busybox env > /tmp/env;"
                + " exec /bin/busybox httpd -f -p 8081 -h /srv");
    for (String id : List.of(web, client, batch, entry)) {
      awaitStart(id, 0);
    }
    awaitFile(client, "/tmp/done");
    awaitFile(batch, "/tmp/done");

    // An administrator's docker exec of everyday commands, as root and as another user.
    docker.docker("exec", web, "ls", "/www");
    docker.docker("exec", web, "ps");
    docker.docker("exec", web, "cat", "/www/index.html");
    docker.docker("exec", client, "wget", "-qO-", "http://" + webName + ":8080/");
    docker.docker("exec", client, "sh", "-c", "id; /bin/busybox df /; /bin/busybox uptime");
    docker.docker("exec", "-u", "1000", batch, "id");
    docker.docker("exec", "-u", "1000", batch, "sh", "-c", "ls /tmp > /dev/null; exit 0");
    docker.docker("exec", entry, "/bin/busybox", "wget", "-qO-", "http://127.0.0.1:8081/health");

    // Restarts: runc sets each container up again, moving its init from the host's namespaces.
    for (int round = 0; round < 2; round++) {
      for (String id : List.of(web, batch)) {
        docker.docker("restart", "-t", "1", id);
        awaitStart(id, round + 1);
      }
    }
    awaitFile(batch, "/tmp/done"); // the loop ran again after the restarts

    // Everything above has been judged once the agent has seen this last exec.
    docker.docker("exec", batch, "sh", "-c", "/bin/sleep 0.5; exit 0 # dockward-benign-end");
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "exec".equals(r.get("type"))
              && batch.equals(containerId(r))
              && String.valueOf(map(r.get("process")).get("cmdline"))
                  .contains("dockward-benign-end");
        },
        DEADLINE,
        "the end marker's exec");

    Set<String> ours = Set.of(web, client, batch, entry);
    List<Map<String, Object>> alerts =
        stdout.lines().stream()
            .map(Records::parse)
            .filter(r -> "alert".equals(r.get("kind")) && ours.contains(containerId(r)))
            .toList();
    for (Map<String, Object> a : alerts) {
      System.err.println(
          "benign workload alert: "
              + a.get("rule")
              + " ("
              + a.get("severity")
              + ") "
              + map(a.get("container")).get("name")
              + ": "
              + a.get("summary"));
    }
    List<String> fromNewRules =
        alerts.stream()
            .filter(a -> NEW_RULES.contains(String.valueOf(a.get("rule"))))
            .map(a -> a.get("rule") + ": " + a.get("summary"))
            .toList();
    assertEquals(List.of(), fromNewRules);
    long execs =
        stdout.lines().stream()
            .map(Records::parse)
            .filter(r -> "exec".equals(r.get("type")) && ours.contains(containerId(r)))
            .count();
    System.err.println("benign workload: " + execs + " exec events, " + alerts.size() + " alerts");
    assertTrue(
        execs >= 8,
        "the agent saw the workloads' execs (at least the administrator's 8): " + execs);
  }
}

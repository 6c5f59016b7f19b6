package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon settings beyond API exposure, over the recorded two-daemon host
 * (resources/posture/README.md).
 */
class DaemonChecksTest {
  private static final String SYSTEM = "/var/run/docker.sock";
  private static final String TEST_SOCKET = "/tmp/dw-rec.eVRK/docker.sock";

  @TempDir Path root;

  private int hosts;

  /** A fresh host tree each call, so one test can compare two hosts. */
  private HostTree host(String testDaemonTcp) {
    return new HostTree(root.resolve("host" + hosts++))
        .dockerd(
            7827,
            "recorded/test-dockerd.cmdline",
            "recorded/test-dockerd-fd.txt",
            testDaemonTcp,
            "recorded/net-tcp6")
        .dockerd(
            14331,
            "recorded/system-dockerd.cmdline",
            "recorded/system-dockerd-fd.txt",
            "recorded/net-tcp",
            "recorded/net-tcp6")
        .file("/etc/group", Fixtures.text("recorded/group-excerpt"))
        .socket(SYSTEM, "rw-rw----")
        .socket(TEST_SOCKET, "rw-rw----");
  }

  private HostTree recordedHost() {
    return host("recorded/net-tcp");
  }

  private static Map<String, List<PostureFinding>> audit(HostTree host) {
    return new PostureAudit(
            host.hostFs(), List::of, () -> PostureFactsReaderTest.ENGINE, PostureSettings.DEFAULT)
        .run().stream().collect(Collectors.groupingBy(PostureFinding::id));
  }

  private static List<String> instances(Map<String, List<PostureFinding>> found, String id) {
    return found.getOrDefault(id, List.of()).stream().map(PostureFinding::instance).toList();
  }

  @Test
  void dockerDefaultsWithoutDaemonJsonGiveTheLowAndInfoDaemonFindings() {
    Map<String, List<PostureFinding>> found = audit(recordedHost());
    for (String id :
        List.of(
            DaemonChecks.USERLAND_PROXY,
            DaemonChecks.NO_NEW_PRIVILEGES,
            DaemonChecks.LOGGING,
            DaemonChecks.RUNS_AS_ROOT)) {
      assertEquals(List.of(TEST_SOCKET, SYSTEM), instances(found, id), id);
    }
    PostureFinding logging = found.get(DaemonChecks.LOGGING).get(0);
    assertEquals(FindingSeverity.INFO, logging.severity());
    assertEquals("json-file", logging.evidence().get("log_driver"));
    assertEquals(Optional.of("2.13"), logging.cis());
    assertEquals(Optional.of("2.16"), found.get(DaemonChecks.USERLAND_PROXY).get(0).cis());
    assertEquals(Optional.of("2.1"), found.get(DaemonChecks.RUNS_AS_ROOT).get(0).cis());
    assertFalse(
        found.containsKey(DaemonChecks.SECCOMP_PROFILE),
        "no profile set: Docker's default applies");
    assertFalse(
        found.containsKey(DaemonChecks.API_REMOTE_CLIENT), "the recorded table has no connection");
    assertFalse(found.containsKey(DaemonChecks.TLS_KEY_PERMISSIONS), "no TLS");
  }

  @Test
  void settingsFromDaemonJsonChangeThem() {
    Map<String, List<PostureFinding>> found =
        audit(
            recordedHost()
                .file(
                    "/etc/docker/daemon.json",
                    "{\"seccomp-profile\": \"unconfined\", \"log-driver\": \"none\", \"userland-proxy\": false, "
                        + "\"no-new-privileges\": true}"));
    PostureFinding seccomp = found.get(DaemonChecks.SECCOMP_PROFILE).get(0);
    assertEquals(FindingSeverity.HIGH, seccomp.severity());
    assertEquals("unconfined", seccomp.evidence().get("seccomp_profile"));
    assertTrue(
        found.get(DaemonChecks.LOGGING).stream()
            .allMatch(f -> f.severity() == FindingSeverity.MEDIUM));
    assertFalse(found.containsKey(DaemonChecks.USERLAND_PROXY));
    assertFalse(found.containsKey(DaemonChecks.NO_NEW_PRIVILEGES));
  }

  @Test
  void aCustomSeccompProfileAndARemoteLogDriver() {
    Map<String, List<PostureFinding>> found =
        audit(
            recordedHost()
                .file(
                    "/etc/docker/daemon.json",
                    "{\"seccomp-profile\": \"/etc/docker/seccomp.json\", \"log-driver\": \"journald\"}"));
    assertEquals(FindingSeverity.INFO, found.get(DaemonChecks.SECCOMP_PROFILE).get(0).severity());
    assertFalse(found.containsKey(DaemonChecks.LOGGING), "journald can forward: not reported");
  }

  @Test
  void invalidDaemonJsonLeavesTheSettingsUnknownNotDefaulted() {
    Map<String, List<PostureFinding>> found =
        audit(
            recordedHost()
                .file("/etc/docker/daemon.json", Fixtures.text("synthetic/daemon-trailing.json")));
    assertTrue(instances(found, PostureChecks.CHECK_FAILED).contains("/etc/docker/daemon.json"));
    for (String id :
        List.of(
            DaemonChecks.USERLAND_PROXY,
            DaemonChecks.NO_NEW_PRIVILEGES,
            DaemonChecks.LOGGING,
            DaemonChecks.SECCOMP_PROFILE)) {
      assertFalse(found.containsKey(id), id);
    }
    assertEquals(
        2,
        found.get(DaemonChecks.RUNS_AS_ROOT).size(),
        "the process's user needs no configuration");
  }

  @Test
  void aClientConnectedToTheTcpApiIsReportedByPeerAddress() {
    Map<String, List<PostureFinding>> found = audit(host("synthetic/net-tcp-api-client"));
    List<PostureFinding> clients = found.get(DaemonChecks.API_REMOTE_CLIENT);
    assertEquals(
        1,
        clients.size(),
        "the client's own end and the TIME_WAIT entry are not dockerd's connections");
    PostureFinding f = clients.get(0);
    assertEquals("127.0.0.1:23751 <- 127.0.0.1", f.instance());
    assertEquals(FindingSeverity.MEDIUM, f.severity(), "loopback peer, no client authentication");
    assertEquals(List.of("45678"), f.evidence().get("peer_ports"));
    assertEquals(7827L, f.evidence().get("pid"));
    assertEquals("false", f.evidence().get("tls_verify"));

    Map<String, List<PostureFinding>> verified =
        audit(
            host("synthetic/net-tcp-api-client")
                .file(
                    "/etc/docker/daemon.json",
                    "{\"tlsverify\": true, \"tlskey\": \"/etc/docker/tls/key.pem\"}")
                .socket("/etc/docker/tls/key.pem", "r--------"));
    assertEquals(
        FindingSeverity.INFO, verified.get(DaemonChecks.API_REMOTE_CLIENT).get(0).severity());
    assertFalse(
        verified.containsKey(DaemonChecks.TLS_KEY_PERMISSIONS), "0400 root: as it should be");
  }

  @Test
  void aTlsKeyOthersCanReadIsHigh() {
    Map<String, List<PostureFinding>> found =
        audit(
            recordedHost()
                .file(
                    "/etc/docker/daemon.json",
                    "{\"tls\": true, \"tlskey\": \"/etc/docker/tls/key.pem\"}")
                .socket("/etc/docker/tls/key.pem", "rw-r--r--"));
    PostureFinding key = found.get(DaemonChecks.TLS_KEY_PERMISSIONS).get(0);
    assertEquals(FindingSeverity.HIGH, key.severity());
    assertEquals(Optional.of("3.14"), key.cis());
    assertEquals("0644", key.evidence().get("mode"));
    assertEquals("/etc/docker/tls/key.pem", key.instance());
  }

  @Test
  void aMissingDefaultTlsKeyIsNotCheckedNotGuessed() {
    Map<String, List<PostureFinding>> found =
        audit(recordedHost().file("/etc/docker/daemon.json", "{\"tls\": true}"));
    assertTrue(
        instances(found, PostureChecks.CHECK_FAILED).contains("/root/.docker/key.pem"),
        String.valueOf(instances(found, PostureChecks.CHECK_FAILED)));
    assertFalse(found.containsKey(DaemonChecks.TLS_KEY_PERMISSIONS));
  }

  @Test
  void dockerOptsTheSystemDaemonWasNotStartedWithAreReported() {
    Map<String, List<PostureFinding>> found =
        audit(
            recordedHost()
                .file(
                    "/etc/default/docker",
                    "# Debian's file\nexport DOCKER_OPTS=\"--storage-driver=vfs --icc=false -H tcp://0.0.0.0:2376\" # mine\n"));
    List<PostureFinding> f = found.get(DaemonChecks.DEFAULT_OPTIONS_NOT_APPLIED);
    assertEquals(1, f.size(), "only the system daemon reads /etc/default/docker");
    assertEquals(SYSTEM, f.get(0).instance());
    assertEquals(
        List.of("--icc=false", "-H", "tcp://0.0.0.0:2376"), f.get(0).evidence().get("not_applied"));

    Map<String, List<PostureFinding>> applied =
        audit(
            recordedHost()
                .file(
                    "/etc/default/docker", "DOCKER_OPTS='--storage-driver=vfs --ip-masq=false'\n"));
    assertFalse(applied.containsKey(DaemonChecks.DEFAULT_OPTIONS_NOT_APPLIED));
  }

  @Test
  void aRootlessDaemonIsNotReportedAsRoot() {
    Map<String, List<PostureFinding>> found =
        audit(
            recordedHost()
                .processFile(
                    14331,
                    "status",
                    "Name:\tdockerd\nUid:\t1000\t1000\t1000\t1000\n"
                        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(TEST_SOCKET), instances(found, DaemonChecks.RUNS_AS_ROOT));
  }
}

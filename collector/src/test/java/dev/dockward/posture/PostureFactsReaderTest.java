package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole audit over a host tree made of the recorded fixtures (see resources/posture/README.md).
 */
class PostureFactsReaderTest {
  private static final String TEST_SOCKET = "/tmp/dw-rec.eVRK/docker.sock";

  @TempDir Path root;

  private HostTree recordedHost() {
    return new HostTree(root)
        .dockerd(
            7827,
            "recorded/test-dockerd.cmdline",
            "recorded/test-dockerd-fd.txt",
            "recorded/net-tcp",
            "recorded/net-tcp6")
        .dockerd(
            14331,
            "recorded/system-dockerd.cmdline",
            "recorded/system-dockerd-fd.txt",
            "recorded/net-tcp",
            "recorded/net-tcp6")
        .process(2577, "containerd")
        .file("/etc/group", Fixtures.text("recorded/group-excerpt"))
        .socket("/var/run/docker.sock", "rw-rw----")
        .socket(TEST_SOCKET, "rw-rw----");
  }

  static final EngineFacts ENGINE =
      new EngineFacts("27.3.1", List.of("name=seccomp,profile=builtin"));

  private static AuditedContainer recordedAudited() throws IOException {
    return AuditedContainer.parse(
        new ObjectMapper().readTree(Fixtures.bytes("recorded/inspect-unconfined-published.json")));
  }

  private static ContainerInfo recordedContainer() throws IOException {
    return recordedAudited().info();
  }

  private List<PostureFinding> audit(HostTree host, ContainerLister containers) {
    return new PostureAudit(host.hostFs(), containers, () -> ENGINE, PostureSettings.DEFAULT).run();
  }

  private static Map<String, List<PostureFinding>> byId(List<PostureFinding> findings) {
    return findings.stream().collect(Collectors.groupingBy(PostureFinding::id));
  }

  @Test
  void recordedHostGivesTheTcpListenerOfTheTestDaemonOnly() throws IOException {
    AuditedContainer audited = recordedAudited();
    ContainerInfo c = audited.info();
    Map<String, List<PostureFinding>> found = byId(audit(recordedHost(), () -> List.of(audited)));

    List<PostureFinding> tcp = found.get(PostureChecks.TCP_WITHOUT_TLS);
    assertEquals(
        1,
        tcp.size(),
        "only 127.0.0.1:23751 is dockerd's; 0.0.0.0:2024 belongs to another process");
    PostureFinding f = tcp.get(0);
    assertEquals(FindingSeverity.CRITICAL, f.severity());
    assertEquals(Optional.of("2.7"), f.cis());
    assertEquals("127.0.0.1:23751", f.evidence().get("listen"));
    assertEquals(7827L, f.evidence().get("pid"));
    assertEquals(true, f.evidence().get("loopback_only"));
    assertEquals("127.0.0.1:23751", f.instance());

    // --bridge=none: no default bridge, so icc is moot for the test daemon; the system daemon has
    // it.
    assertEquals(
        List.of("/var/run/docker.sock"),
        found.get(PostureChecks.ICC).stream().map(PostureFinding::instance).toList());
    assertEquals(2, found.get(PostureChecks.USERNS).size());
    assertEquals(2, found.get(PostureChecks.LIVE_RESTORE).size());
    assertFalse(
        found.containsKey(PostureChecks.GROUP_MEMBERS), "the recorded docker group is empty");
    assertFalse(
        found.containsKey(PostureChecks.CHECK_FAILED),
        String.valueOf(found.get(PostureChecks.CHECK_FAILED)));

    PostureFinding unconfined = found.get(PostureChecks.UNCONFINED).get(0);
    assertEquals(Optional.of(c), unconfined.container());
    assertEquals(Optional.of("5.22"), unconfined.cis());
    assertEquals(List.of("seccomp=unconfined"), unconfined.evidence().get("unconfined"));
    assertEquals(
        List.of("0.0.0.0:18080->80/tcp"),
        found.get(PostureChecks.PUBLISHED_ALL).get(0).evidence().get("ports"),
        "127.0.0.1:18081 is not on all interfaces");
    assertEquals(
        List.of("memory", "pids"),
        found.get(PostureChecks.NO_LIMITS).get(0).evidence().get("missing"));
    assertEquals("test", found.get(PostureChecks.MUTABLE_TAG).get(0).evidence().get("tag"));
    assertEquals(1, found.get(PostureChecks.NO_NEW_PRIVILEGES).size());
  }

  @Test
  void aWorldWritableSocketIsCritical() {
    HostTree host = recordedHost().socket(TEST_SOCKET, "rw-rw-rw-");
    List<PostureFinding> perms = byId(audit(host, List::of)).get(PostureChecks.SOCKET_PERMISSIONS);
    PostureFinding f =
        perms.stream().filter(p -> p.instance().equals(TEST_SOCKET)).findFirst().orElseThrow();
    assertEquals(FindingSeverity.CRITICAL, f.severity());
    assertEquals(Optional.of("3.16"), f.cis());
    assertEquals("0666", f.evidence().get("mode"));
    assertTrue(
        perms.stream()
            .noneMatch(
                p -> p.instance().equals("/var/run/docker.sock") && p.summary().contains("mode")),
        "0660 is fine");
  }

  @Test
  void daemonJsonWithCommentsIsACheckFailureAndNoGuess() {
    HostTree host =
        recordedHost()
            .file("/etc/docker/daemon.json", Fixtures.text("synthetic/daemon-comments.json"));
    Map<String, List<PostureFinding>> found = byId(audit(host, List::of));
    List<PostureFinding> failed = found.get(PostureChecks.CHECK_FAILED);
    assertEquals(
        List.of("/etc/docker/daemon.json"),
        failed.stream().map(PostureFinding::instance).distinct().toList());
    assertTrue(
        failed.get(0).summary().contains("/etc/docker/daemon.json"), failed.get(0).summary());
    assertTrue(
        String.valueOf(failed.get(0).evidence().get("error")).contains("comments")
            || String.valueOf(failed.get(0).evidence().get("error")).contains("'/'"),
        failed.get(0).summary());
    // Neither daemon's icc, userns, live-restore nor TLS is known now: nothing is reported on them.
    for (String id :
        List.of(
            PostureChecks.ICC,
            PostureChecks.USERNS,
            PostureChecks.LIVE_RESTORE,
            PostureChecks.TCP_WITHOUT_TLS)) {
      assertFalse(found.containsKey(id), id);
    }
  }

  @Test
  void daemonJsonSettingsCountAsIfOnTheCommandLine() {
    HostTree host =
        recordedHost()
            .file(
                "/etc/docker/daemon.json",
                "{\"icc\": false, \"live-restore\": true, \"insecure-registries\": [\"reg7.test:5043\"], "
                    + "\"registry-mirrors\": [\"http://mirror7.test\"], \"tlsverify\": true}");
    Map<String, List<PostureFinding>> found = byId(audit(host, List::of));
    assertFalse(found.containsKey(PostureChecks.ICC));
    assertFalse(found.containsKey(PostureChecks.LIVE_RESTORE));
    assertFalse(found.containsKey(PostureChecks.TCP_WITHOUT_TLS), "tlsverify from the file");
    PostureFinding insecure = found.get(PostureChecks.INSECURE_REGISTRY).get(0);
    assertEquals(List.of("reg7.test:5043"), insecure.evidence().get("insecure_registries"));
    assertEquals(List.of("http://mirror7.test"), insecure.evidence().get("http_mirrors"));
  }

  @Test
  void tlsWithoutVerifyIsItsOwnFinding() {
    HostTree host = recordedHost().file("/etc/docker/daemon.json", "{\"tls\": true}");
    Map<String, List<PostureFinding>> found = byId(audit(host, List::of));
    assertFalse(found.containsKey(PostureChecks.TCP_WITHOUT_TLS));
    PostureFinding f = found.get(PostureChecks.TLS_WITHOUT_CLIENT_AUTH).get(0);
    assertEquals(FindingSeverity.HIGH, f.severity());
    assertEquals("127.0.0.1:23751", f.instance());
  }

  @Test
  void dockerGroupMembersAreOneFindingEach() {
    HostTree host = recordedHost().file("/etc/group", Fixtures.text("synthetic/group-members"));
    List<PostureFinding> members = byId(audit(host, List::of)).get(PostureChecks.GROUP_MEMBERS);
    assertEquals(
        List.of("alice", "bob7", "ci-runner"),
        members.stream().map(PostureFinding::instance).toList());
    assertEquals(Optional.of("1.1.2"), members.get(0).cis());
  }

  @Test
  void noDaemonAndNoApiAreSaidNotGuessed() {
    HostTree host =
        new HostTree(root).process(2577, "containerd").file("/etc/group", "docker:x:105:\n");
    List<PostureFinding> all =
        new PostureAudit(
                host.hostFs(),
                () -> {
                  throw new IOException("connection refused");
                },
                () -> {
                  throw new IOException("connection refused");
                },
                PostureSettings.DEFAULT)
            .run();
    List<PostureFinding> findings =
        all.stream().filter(f -> f.id().equals(PostureChecks.CHECK_FAILED)).toList();
    assertEquals(
        List.of("dockerd", "containers", "docker engine"),
        findings.stream().map(PostureFinding::instance).toList());
    // What needs no daemon is still audited; nothing about the daemon, its engine or containers is
    // guessed.
    assertEquals(
        List.of(
            HostChecks.NO_MAC,
            HostChecks.CONTENT_TRUST,
            HostChecks.NOT_CHECKED,
            HostChecks.NOT_CHECKED),
        all.stream()
            .map(PostureFinding::id)
            .filter(id -> !id.equals(PostureChecks.CHECK_FAILED))
            .toList());
    assertTrue(findings.get(1).summary().contains("connection refused"), findings.get(1).summary());
  }

  @Test
  void aMissingSocketIsACheckFailureNamingIt() {
    HostTree host =
        new HostTree(root)
            .dockerd(
                14331,
                "recorded/system-dockerd.cmdline",
                "recorded/system-dockerd-fd.txt",
                "recorded/net-tcp",
                "recorded/net-tcp6")
            .file("/etc/group", "docker:x:105:\n");
    List<PostureFinding> failed = byId(audit(host, List::of)).get(PostureChecks.CHECK_FAILED);
    assertEquals(
        List.of("/var/run/docker.sock"), failed.stream().map(PostureFinding::instance).toList());
  }
}

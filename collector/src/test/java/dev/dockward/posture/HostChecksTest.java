package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import dev.dockward.host.MachineFacts;
import dev.dockward.host.MachineFactsFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions, kernel confinement features, listening services, content trust and what is not checked.
 */
class HostChecksTest {
  @TempDir Path root;

  private int hosts;

  private HostTree host() {
    return new HostTree(root.resolve("host" + hosts++))
        .dockerd(
            14331,
            "recorded/system-dockerd.cmdline",
            "recorded/system-dockerd-fd.txt",
            "recorded/net-tcp",
            "recorded/net-tcp6")
        .file("/etc/group", Fixtures.text("recorded/group-excerpt"))
        .socket("/var/run/docker.sock", "rw-rw----");
  }

  private static Map<String, List<PostureFinding>> audit(
      HostTree host, EngineFacts engine, PostureSettings settings) {
    return new PostureAudit(host.hostFs(), List::of, () -> engine, settings)
        .run().stream().collect(Collectors.groupingBy(PostureFinding::id));
  }

  private static Map<String, List<PostureFinding>> audit(HostTree host) {
    return audit(host, PostureFactsReaderTest.ENGINE, PostureSettings.DEFAULT);
  }

  private static PostureSettings minimums(List<String> docker, List<String> kernel) {
    return new PostureSettings(docker, kernel, List.of());
  }

  private static List<String> instances(Map<String, List<PostureFinding>> found, String id) {
    return found.getOrDefault(id, List.of()).stream().map(PostureFinding::instance).toList();
  }

  @Test
  void theEngineVersionAgainstTheMinimumOfItsReleaseLine() {
    EngineFacts old = new EngineFacts("20.10.24+dfsg1", List.of("name=seccomp,profile=default"));
    PostureFinding f =
        audit(host(), old, PostureSettings.DEFAULT).get(HostChecks.ENGINE_OUTDATED).get(0);
    assertEquals("25.0.0", f.evidence().get("minimum"), "20.10 is older than every listed line");
    assertEquals(Optional.of("1.2.2"), f.cis());
    assertEquals(FindingSeverity.MEDIUM, f.severity());
    assertEquals(
        "20.10.27",
        audit(host(), old, minimums(List.of("20.10.27", "25.0.6"), List.of()))
            .get(HostChecks.ENGINE_OUTDATED)
            .get(0)
            .evidence()
            .get("minimum"));
    assertFalse(
        audit(host(), old, minimums(List.of("20.10.24", "25.0.6"), List.of()))
            .containsKey(HostChecks.ENGINE_OUTDATED),
        "at the patch level of its line");
    assertFalse(
        audit(host()).containsKey(HostChecks.ENGINE_OUTDATED), "27.3.1 is newer than 25.0.0");
    Map<String, List<PostureFinding>> unchecked =
        audit(host(), old, minimums(List.of(), List.of()));
    assertFalse(unchecked.containsKey(HostChecks.ENGINE_OUTDATED));
    assertTrue(
        instances(unchecked, HostChecks.NOT_CHECKED)
            .containsAll(List.of("docker_engine_version", "kernel_version")));
  }

  @Test
  void anEngineThatSaysNoVersionIsACheckFailure() {
    Map<String, List<PostureFinding>> found =
        audit(host(), new EngineFacts("", List.of("name=seccomp")), PostureSettings.DEFAULT);
    assertEquals(List.of("docker engine version"), instances(found, PostureChecks.CHECK_FAILED));
  }

  @Test
  void theKernelReleaseAgainstItsMinimum() {
    Map<String, List<PostureFinding>> found =
        audit(host().file("/proc/sys/kernel/osrelease", "4.19.0-27-amd64\n"));
    PostureFinding f = found.get(HostChecks.KERNEL_OUTDATED).get(0);
    assertEquals("4.19.0-27-amd64", f.evidence().get("release"));
    assertEquals("5.10.0", f.evidence().get("minimum"));
    assertFalse(
        audit(host()).containsKey(HostChecks.KERNEL_OUTDATED), "6.1.0-18-amd64 is recent enough");
  }

  @Test
  void theKernelReleaseFromTheMachineFactsBeforeProc() {
    HostTree recent = host(); // its /proc says 6.1.0-18-amd64
    PostureFinding f =
        new PostureAudit(
                recent.hostFs(),
                List::of,
                () -> PostureFactsReaderTest.ENGINE,
                PostureSettings.DEFAULT,
                () -> MachineFactsFixtures.withKernel("4.14.336-fixture"))
            .run().stream()
                .filter(x -> x.id().equals(HostChecks.KERNEL_OUTDATED))
                .findFirst()
                .orElseThrow();
    assertEquals("4.14.336-fixture", f.evidence().get("release"));
  }

  @Test
  void procIsTheFallbackWhenTheMachineFactsHaveNoKernel() {
    MachineFacts none = MachineFacts.none(Duration.ofMillis(3), List.of("oshi"));
    Map<String, List<PostureFinding>> found =
        new PostureAudit(
                host().file("/proc/sys/kernel/osrelease", "4.19.0-27-amd64\n").hostFs(),
                List::of,
                () -> PostureFactsReaderTest.ENGINE,
                PostureSettings.DEFAULT,
                () -> none)
            .run().stream().collect(Collectors.groupingBy(PostureFinding::id));
    assertEquals(
        "4.19.0-27-amd64", found.get(HostChecks.KERNEL_OUTDATED).get(0).evidence().get("release"));
  }

  @Test
  void oneHostFindingWithoutAppArmorOrSeLinuxAndNoneWithEither() {
    assertEquals(List.of(""), instances(audit(host()), HostChecks.NO_MAC));
    assertFalse(
        audit(host().file("/sys/module/apparmor/parameters/enabled", "Y\n"))
            .containsKey(HostChecks.NO_MAC));
    assertFalse(audit(host().file("/sys/fs/selinux/enforce", "1")).containsKey(HostChecks.NO_MAC));
    assertTrue(
        audit(host().file("/sys/fs/selinux/enforce", "0")).containsKey(HostChecks.NO_MAC),
        "permissive");
  }

  @Test
  void seccompMissingFromTheKernelOrTheEngine() {
    assertFalse(audit(host()).containsKey(HostChecks.NO_SECCOMP));
    PostureFinding kernel =
        audit(host().file("/proc/self/status", "Name:\tjava\n")).get(HostChecks.NO_SECCOMP).get(0);
    assertEquals(FindingSeverity.HIGH, kernel.severity());
    assertEquals(List.of("the kernel has no seccomp"), kernel.evidence().get("reasons"));
    PostureFinding engine =
        audit(host(), new EngineFacts("27.3.1", List.of("name=cgroupns")), PostureSettings.DEFAULT)
            .get(HostChecks.NO_SECCOMP)
            .get(0);
    assertEquals(
        List.of("the Docker Engine lists no seccomp security option"),
        engine.evidence().get("reasons"));
  }

  @Test
  void userNamespacesDisabled() {
    assertFalse(audit(host()).containsKey(HostChecks.NO_USERNS));
    assertEquals(
        FindingSeverity.INFO,
        audit(host().file("/proc/sys/user/max_user_namespaces", "0\n"))
            .get(HostChecks.NO_USERNS)
            .get(0)
            .severity());
  }

  @Test
  void otherListenersAreNamedByTheirOwnerAndDockerdsAndLoopbackOnesAreLeftOut() throws IOException {
    HostTree h =
        host().file("/proc/net/tcp", Fixtures.text("recorded/net-tcp")).process(2577, "supervisor");
    Path fd = h.hostFs().pidDir(2577).resolve("fd");
    Files.createDirectories(fd);
    Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[1061]"));
    List<PostureFinding> found = audit(h).get(HostChecks.LISTENING_SERVICE);
    assertEquals(1, found.size(), "127.0.0.1:23751 is loopback (and a dockerd's)");
    PostureFinding f = found.get(0);
    assertEquals("0.0.0.0:2024", f.instance());
    assertEquals("supervisor", f.evidence().get("comm"));
    assertEquals(2577L, f.evidence().get("pid"));
    assertEquals(FindingSeverity.INFO, f.severity());
  }

  @Test
  void contentTrustFromEtcEnvironmentOrTheDaemonsEnvironment() throws IOException {
    PostureFinding off = audit(host()).get(HostChecks.CONTENT_TRUST).get(0);
    assertEquals(Optional.of("4.5"), off.cis());
    HostTree withTrustData = host();
    Files.createDirectories(withTrustData.hostFs().hostPath("/home/alice/.docker/trust"));
    assertEquals(
        List.of("/home/alice/.docker/trust"),
        audit(withTrustData).get(HostChecks.CONTENT_TRUST).get(0).evidence().get("trust_dirs"));
    assertFalse(
        audit(host().file("/etc/environment", "PATH=/usr/bin\nDOCKER_CONTENT_TRUST=1\n"))
            .containsKey(HostChecks.CONTENT_TRUST));
    assertFalse(
        audit(
                host()
                    .processFile(
                        14331,
                        "environ",
                        "PATH=/usr/bin\0DOCKER_CONTENT_TRUST=1\0".getBytes(StandardCharsets.UTF_8)))
            .containsKey(HostChecks.CONTENT_TRUST));
    assertTrue(
        audit(host().file("/etc/environment", "DOCKER_CONTENT_TRUST=0\n"))
            .containsKey(HostChecks.CONTENT_TRUST));
  }

  @Test
  void whatIsNotCheckedIsSaid() {
    assertEquals(
        List.of("image_signatures", "registry_allowlist"),
        instances(audit(host()), HostChecks.NOT_CHECKED));
    assertEquals(
        List.of("image_signatures"),
        instances(
            audit(
                host(),
                PostureFactsReaderTest.ENGINE,
                new PostureSettings(List.of("25.0.0"), List.of("5.10.0"), List.of("docker.io"))),
            HostChecks.NOT_CHECKED));
  }
}

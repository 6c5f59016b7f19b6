package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small text readers of the audit: versions, shell assignments, image references, CIDRs. */
class PostureTextTest {
  @Test
  void versionNumbersStopAtThePackagersSuffix() {
    assertEquals(List.of(20, 10, 24), Versions.numbers("20.10.24+dfsg1"));
    assertEquals(List.of(6, 1, 0), Versions.numbers("6.1.0-18-amd64"));
    assertEquals(List.of(6, 18, 44), Versions.numbers("6.18.44-fc-v657"));
    assertEquals(List.of(27, 3), Versions.numbers("v27.3"));
    assertEquals(List.of(), Versions.numbers("dev"));
    assertEquals(
        Optional.empty(), Versions.shortOf("dev", List.of("25.0.0")), "not a version: no verdict");
    assertEquals(
        Optional.empty(),
        Versions.shortOf("28.0.1", List.of("25.0.6", "26.1.5")),
        "a newer line passes");
    assertEquals(Optional.of("26.1.5"), Versions.shortOf("26.1.4", List.of("25.0.6", "26.1.5")));
    assertEquals(Optional.empty(), Versions.shortOf("25.0.6", List.of("25.0.6", "26.1.5")));
    assertEquals(
        Optional.of("25.0.6"), Versions.shortOf("24.0.9", List.of("26.1.5", "25.0.6", "garbage")));
  }

  @Test
  void shellAssignmentsAsDebianFilesWriteThem() {
    String text =
        "# DOCKER_OPTS=\"--old\"\nDOCKER_OPTS=\"--dns 8.8.8.8 --icc=false\"\nexport DOCKER_OPTS='-H  fd://' # last\n";
    assertEquals(Optional.of("-H  fd://"), ShellWords.assignment(text, "DOCKER_OPTS"));
    assertEquals(List.of("-H", "fd://"), ShellWords.split("-H  fd://"));
    assertEquals(List.of("--label", "a b", "x"), ShellWords.split("--label \"a b\" x # comment"));
    assertEquals(Optional.empty(), ShellWords.assignment("OTHER=1\n", "DOCKER_OPTS"));
    assertEquals(
        Optional.of("1"), ShellWords.assignment("DOCKER_CONTENT_TRUST=1", "DOCKER_CONTENT_TRUST"));
  }

  @Test
  void registriesAsDockerResolvesThem() {
    assertEquals("docker.io", ImageReference.registry("busybox"));
    assertEquals("docker.io", ImageReference.registry("dockward/busybox:test"));
    assertEquals("docker.io", ImageReference.registry("index.docker.io/library/busybox"));
    assertEquals("localhost", ImageReference.registry("localhost/app"));
    assertEquals("localhost:5000", ImageReference.registry("localhost:5000/app:1"));
    assertEquals("ghcr.io", ImageReference.registry("GHCR.io/org/app@sha256:abc"));
    assertEquals("::1", ImageReference.host("[::1]:5000"));
    assertEquals("reg.test", ImageReference.host("reg.test:5043"));
  }

  @Test
  void cidrBlocksMatchIpLiteralsOnly() {
    assertTrue(ContainerChecks.inCidr("10.1.2.3", "10.0.0.0/8"));
    assertFalse(ContainerChecks.inCidr("11.1.2.3", "10.0.0.0/8"));
    assertTrue(ContainerChecks.inCidr("fd00::5", "fd00::/8"));
    assertFalse(ContainerChecks.inCidr("reg.test", "10.0.0.0/8"), "a name is not resolved");
    assertFalse(ContainerChecks.inCidr("10.1.2.3", "10.0.0.0/99"));
    assertFalse(ContainerChecks.inCidr("10.1.2.3", "10.0.0.0"));
  }

  @Test
  void establishedConnectionsFromTheTcpTable() {
    List<TcpConnection> c =
        ProcNetTcpParser.established(Fixtures.text("synthetic/net-tcp-api-client"));
    assertEquals(2, c.size(), "LISTEN and TIME_WAIT lines are left out");
    assertEquals(new TcpConnection("127.0.0.1", 23751, "127.0.0.1", 45678, 162767), c.get(0));
    assertTrue(c.get(0).remoteLoopback());
    assertEquals(List.of(), ProcNetTcpParser.established("header\ngarbage line\n"));
  }
}

package dev.dockward.fileopen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensitiveFilesTest {
  @TempDir Path root;
  @TempDir Path outside;

  private Path file(String absolute) throws IOException {
    Path p = root.resolve(absolute.substring(1));
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "x");
  }

  private List<String> found(SensitiveFiles files) {
    return files.expand(root).stream().map(SensitiveFiles.Found::path).toList();
  }

  @Test
  void wildcardsExpandToTheRegularFilesOfEachDirectory() throws IOException {
    file("/etc/shadow");
    file("/etc/ssh/ssh_host_ed25519_key");
    file("/etc/ssh/ssh_host_ed25519_key.pub");
    file("/etc/ssh/sshd_config");
    file("/home/alice/.ssh/id_ed25519");
    file("/home/alice/.ssh/id_ed25519.pub");
    file("/home/bob/.ssh/known_hosts");
    file("/run/secrets/db_password");
    Files.createDirectories(root.resolve("run/secrets/kubernetes.io"));
    assertEquals(
        List.of(
            "/etc/shadow",
            "/etc/ssh/ssh_host_ed25519_key",
            "/home/alice/.ssh/id_ed25519",
            "/run/secrets/db_password"),
        found(SensitiveFiles.DEFAULT));
  }

  @Test
  void pamAndSudoDropInsAreSensitiveButPamDIsNot() throws IOException {
    file("/etc/pam.conf");
    file("/etc/security/pwquality.conf");
    file("/etc/sudoers.d/90-users");
    file("/etc/pam.d/common-auth"); // read by every PAM program (su, cron): not marked
    assertEquals(
        List.of("/etc/sudoers.d/90-users", "/etc/pam.conf", "/etc/security/pwquality.conf"),
        found(SensitiveFiles.DEFAULT));
  }

  @Test
  void anAbsoluteLinkInsideTheRootIsResolvedAtTheRootNotAtTheAgentsRoot() throws IOException {
    // Debian's /var/run -> /run, and Kubernetes' token -> ..data/token -> ..2026_12_07/token
    file("/run/secrets/kubernetes.io/serviceaccount/..2026_12_07/token");
    Files.createDirectories(root.resolve("var"));
    Files.createSymbolicLink(root.resolve("var/run"), Path.of("/run"));
    Path sa = root.resolve("run/secrets/kubernetes.io/serviceaccount");
    Files.createSymbolicLink(sa.resolve("..data"), Path.of("..2026_12_07"));
    Files.createSymbolicLink(sa.resolve("token"), Path.of("..data/token"));
    SensitiveFiles token =
        new SensitiveFiles(
            List.of("/var/run/secrets/kubernetes.io/serviceaccount/token"), List.of());
    assertEquals(
        List.of("/run/secrets/kubernetes.io/serviceaccount/..2026_12_07/token"), found(token));
  }

  @Test
  void aLinkOutOfTheRootStaysInsideIt() throws IOException {
    Path hostShadow = Files.writeString(outside.resolve("shadow"), "host");
    Files.createDirectories(root.resolve("etc"));
    // The container's /etc/shadow points at the agent's view of a host file: inside the root it
    // names nothing.
    Files.createSymbolicLink(root.resolve("etc/shadow"), hostShadow);
    Files.createSymbolicLink(
        root.resolve("etc/gshadow"), Path.of("../../../../../../../../etc/gshadow-"));
    file("/etc/gshadow-");
    assertEquals(
        List.of("/etc/gshadow-"),
        found(new SensitiveFiles(List.of("/etc/shadow", "/etc/gshadow"), List.of())));
    assertEquals(Optional.empty(), SensitiveFiles.resolve(root, "/etc/shadow"));
  }

  @Test
  void aLoopOfLinksNamesNothing() throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/shadow"), Path.of("gshadow"));
    Files.createSymbolicLink(root.resolve("etc/gshadow"), Path.of("/etc/shadow"));
    assertEquals(List.of(), found(SensitiveFiles.DEFAULT));
  }

  @Test
  void directoriesAndMissingFilesAreNotFound() throws IOException {
    Files.createDirectories(root.resolve("etc/shadow"));
    Files.createDirectories(root.resolve("root/.aws"));
    assertEquals(List.of(), found(SensitiveFiles.DEFAULT));
  }

  @Test
  void patternsAreAbsolute() {
    assertThrows(
        IllegalArgumentException.class, () -> new SensitiveFiles(List.of("etc/shadow"), List.of()));
  }
}

package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which process stands for the host, on fixture trees shaped like this machine's /proc. */
class HostReferenceTest {
  private static final String CONTAINER_CGROUP =
      "/docker/4b1c3e5f9a2d7c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";

  @TempDir Path root;

  @Test
  void pid1IsTheReferenceWhenItsNamespacesRead() {
    ProcTree tree = new ProcTree(root);
    tree.process(1, "init", 1, "/")
        .ns(1, "mnt", "mnt:[4026531841]")
        .ns(1, "pid", "pid:[4026531836]");
    daemon(tree, 812, "dockerd", "/system.slice/docker.service", 4026531841L);
    HostReference ref = HostReference.find(tree.hostFs());
    assertEquals("pid 1", ref.description());
    assertEquals(Map.of("mnt", 4026531841L, "pid", 4026531836L), ref.namespaces().inodes());
    assertEquals(tree.hostFs().pidDir(1).resolve("mountinfo"), ref.mountinfo());
  }

  @Test
  void withoutPid1TheHostsDockerdIsTakenNotOneInAContainerNorTheAgent() throws IOException {
    ProcTree tree = new ProcTree(root);
    tree.process(1, "init", 1, "/"); // no ns links: unreadable, as on the test machines
    daemon(tree, 300, "dockerd", CONTAINER_CGROUP, 4026532301L); // docker-in-docker
    daemon(tree, 812, "dockerd", "/system.slice/docker.service", 4026531841L);
    agent(tree, 900, 4026532555L); // the agent in a private mount namespace (systemd sandbox)
    HostReference ref = HostReference.find(tree.hostFs());
    assertTrue(ref.fromHostProcess());
    assertEquals("dockerd (pid 812)", ref.description());
    assertEquals(4026531841L, ref.namespaces().inodes().get("mnt"));
    assertEquals(List.of("mnt"), ref.agentDiffers());
    assertEquals(
        tree.hostFs().pidDir(812).resolve("root/etc/crontab"), ref.hostPath("/etc/crontab"));
    assertEquals(tree.hostFs().pidDir(812).resolve("mountinfo"), ref.mountinfo());
  }

  @Test
  void containerdStandsInWhenNoDockerdRuns() {
    ProcTree tree = new ProcTree(root);
    daemon(tree, 640, "containerd", "/system.slice/containerd.service", 4026531841L);
    assertEquals("containerd (pid 640)", HostReference.find(tree.hostFs()).description());
  }

  @Test
  void aRestartedDaemonIsFoundAgainForPathsAndMounts() throws IOException {
    ProcTree tree = new ProcTree(root);
    daemon(tree, 812, "dockerd", "/system.slice/docker.service", 4026531841L);
    HostReference ref = HostReference.find(tree.hostFs());
    deleteTree(tree.hostFs().pidDir(812));
    daemon(tree, 1733, "dockerd", "/system.slice/docker.service", 4026531841L);
    assertEquals(tree.hostFs().pidDir(1733).resolve("mountinfo"), ref.mountinfo());
    assertEquals("dockerd (pid 1733)", ref.description());
  }

  @Test
  void withNoHostProcessTheAgentIsItsOwnReferenceAndSaysSo() throws IOException {
    ProcTree tree = new ProcTree(root);
    agent(tree, 900, 4026531841L);
    HostReference ref = HostReference.find(tree.hostFs());
    assertFalse(ref.fromHostProcess());
    assertEquals("the agent itself", ref.description());
    assertEquals(4026531841L, ref.namespaces().inodes().get("mnt"));
    assertEquals(List.of(), ref.agentDiffers());
    assertEquals(tree.hostFs().proc().resolve("self/mountinfo"), ref.mountinfo());
  }

  private static void daemon(ProcTree tree, int pid, String comm, String cgroup, long mntNs) {
    tree.process(pid, comm, 100 + pid, cgroup)
        .write(pid, "comm", (comm + "\n").getBytes(StandardCharsets.UTF_8))
        .ns(pid, "mnt", "mnt:[" + mntNs + "]");
  }

  private static void agent(ProcTree tree, int pid, long mntNs) throws IOException {
    daemon(tree, pid, "java", "/system.slice/dockward.service", mntNs);
    Files.createSymbolicLink(tree.hostFs().proc().resolve("self"), Path.of(Integer.toString(pid)));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNamespacesTest {
  @TempDir Path root;

  @Test
  void kindsEqualToTheReferenceAreListedInTheReadersOrder() {
    HostNamespaces host =
        new HostNamespaces(Map.of("mnt", 4026531841L, "pid", 4026531836L, "net", 4026531840L));
    // an nsenter'd process: host mnt and net, the container's own pid namespace
    assertEquals(
        Optional.of(List.of("mnt", "net")),
        host.sharedBy(Map.of("net", 4026531840L, "mnt", 4026531841L, "pid", 4026532204L)));
    assertEquals(Optional.of(List.of()), host.sharedBy(Map.of("mnt", 4026532201L)));
  }

  @Test
  void anUnknownReferenceGivesNoAnswerRatherThanNone() {
    assertFalse(HostNamespaces.UNKNOWN.known());
    assertEquals(Optional.empty(), HostNamespaces.UNKNOWN.sharedBy(Map.of("mnt", 4026531841L)));
  }

  @Test
  void theReferenceIsTheAgentsOwnProcessAndTheReaderMarksProcesses() {
    ProcTree tree = new ProcTree(root);
    tree.process(2577, "dockerd", 300, "/system.slice/docker.service")
        .ns(2577, "mnt", "mnt:[4026531841]")
        .ns(2577, "net", "net:[4026531840]");
    tree.process(4242, "sh", 500, "/docker/abc")
        .ns(4242, "mnt", "mnt:[4026531841]")
        .ns(4242, "net", "net:[4026532207]");
    HostNamespaces host = HostNamespaces.ofProcess(tree.hostFs(), 2577);
    assertEquals(Map.of("mnt", 4026531841L, "net", 4026531840L), host.inodes());
    ProcReader reader = new ProcReader(tree.hostFs(), host);
    assertEquals(Optional.of(List.of("mnt")), reader.read(4242).orElseThrow().hostNamespaces());
    assertEquals(
        Optional.empty(), new ProcReader(tree.hostFs()).read(4242).orElseThrow().hostNamespaces());
  }
}

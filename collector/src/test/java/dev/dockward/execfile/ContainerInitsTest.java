package dev.dockward.execfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.ContainerInfo;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerInitsTest {
  private static final String WEB =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
  private static final String DB =
      "d9dfbfe6ba5963c0c7c886ae6687c4623b748d72e2b3c5b1112c15f4636eeb49";

  /**
   * Without Docker: each container's init is the first-started process of its cgroup whose parent
   * is outside it (the shim); its children, a later {@code docker exec} session and host processes
   * are not taken.
   */
  @Test
  void fromProcEachContainersInitIsItsFirstStartedProcessUnderTheShim(@TempDir Path root) {
    ProcTree proc = new ProcTree(root);
    process(proc, 1, "init", 0, 1, "/");
    process(proc, 3100, "containerd-shim", 1, 900, "/");
    process(proc, 3120, "sh", 3100, 1000, "/docker/" + WEB);
    process(proc, 3130, "nc", 3120, 1100, "/docker/" + WEB);
    process(
        proc,
        2000,
        "sh",
        3100,
        5000,
        "/docker/" + WEB); // docker exec, later, on a lower (reused) pid
    process(proc, 3200, "containerd-shim", 1, 2000, "/");
    process(proc, 3220, "postgres", 3200, 2100, "/system.slice/docker-" + DB + ".scope");
    assertEquals(
        Map.of(WEB, 3120L, DB, 3220L),
        ContainerInits.fromProc(new ProcReader(proc.hostFs())).now());
  }

  @Test
  void fromAListingOnlyTheContainersWithAnInit() {
    ContainerInfo bare = ContainerInfo.unresolved(WEB);
    ContainerInfo running =
        new ContainerInfo(
            bare.id(),
            "web",
            "",
            "",
            Map.of(),
            false,
            bare.capAdd(),
            bare.capDrop(),
            bare.mounts(),
            bare.namespaces(),
            bare.securityOpt(),
            bare.limits(),
            OptionalLong.of(4242),
            Map.of(),
            Optional.empty(),
            bare.ports());
    assertEquals(
        Map.of(WEB, 4242L),
        ContainerInits.of(() -> List.of(running, ContainerInfo.unresolved(DB))).now());
  }

  private static void process(
      ProcTree proc, int pid, String comm, int ppid, long start, String cgroup) {
    proc.process(pid, comm, start, cgroup);
    proc.stat(pid, ProcTree.statLine(pid, comm.getBytes(StandardCharsets.UTF_8), 'S', ppid, start));
  }
}

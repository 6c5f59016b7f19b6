package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.CapabilityChanged;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.NamespaceChanged;
import dev.dockward.event.ProcessInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The changes an audited exec shows against the same process's previous exec. */
class ExecChangesTest {
  private static final Instant T = Instant.parse("2026-12-07T19:30:00Z");
  private static final Optional<ContainerInfo> WEB =
      Optional.of(ContainerInfo.unresolved("9f2c4e1b7a3d"));
  private static final Map<String, Long> CONTAINER_NS =
      Map.of("mnt", 4026532201L, "net", 4026532207L, "user", 4026531837L);

  private static ProcessInfo exec(
      int pid,
      long startTime,
      String name,
      long capEff,
      Map<String, Long> ns,
      List<String> hostNs) {
    return new ProcessInfo(
        pid,
        4242,
        startTime,
        name,
        "/bin/busybox",
        name,
        false,
        OptionalInt.of(0),
        OptionalInt.of(0),
        OptionalLong.of(capEff),
        ns,
        "/docker/9f2c4e1b7a3d",
        Optional.of(hostNs));
  }

  @Test
  void nsenterSetnsThenExecGivesANamespaceChangeAndTheCapabilitiesItGained() {
    ExecChanges changes = new ExecChanges(16);
    assertEquals(
        List.of(),
        changes.at(T, exec(4500, 5200, "nsenter", 0xa80425fbL, CONTAINER_NS, List.of("user")), WEB),
        "first seen: nothing to compare with");
    Map<String, Long> hostMnt = Map.of("mnt", 4026531841L, "net", 4026532207L, "user", 4026531837L);
    List<Event> out =
        changes.at(T, exec(4500, 5200, "sh", 0x3fffffffffL, hostMnt, List.of("mnt", "user")), WEB);
    assertEquals(
        List.of("namespace_change", "capability_change"), out.stream().map(Event::type).toList());
    NamespaceChanged ns = (NamespaceChanged) out.get(0);
    assertEquals("audit", ns.source());
    assertEquals(List.of("mnt"), ns.changed(), "net and user stayed");
    assertEquals(4026532201L, ns.previous().get("mnt"));
    assertEquals(Optional.of(List.of("user")), ns.previousHostNamespaces());
    assertEquals(WEB, ns.container());
    assertEquals(0xa80425fbL, ((CapabilityChanged) out.get(1)).previousCapEff());
  }

  @Test
  void anotherProcessOnTheSamePidOrOneReadWithoutNamespacesIsNotCompared() {
    ExecChanges changes = new ExecChanges(16);
    changes.at(T, exec(4600, 5300, "sh", 0, CONTAINER_NS, List.of()), WEB);
    Map<String, Long> other = Map.of("mnt", 4026539999L, "net", 4026532207L, "user", 4026531837L);
    assertEquals(
        List.of(), changes.at(T, exec(4600, 7777, "id", 1, other, List.of()), WEB), "pid reused");
    assertEquals(
        List.of(),
        changes.at(T, exec(4600, 7777, "id", 1, Map.of(), List.of()), WEB),
        "gone before it was read: no namespaces");
    assertEquals(
        List.of(),
        changes.at(T, exec(4600, 7777, "id", 1, other, List.of()), WEB),
        "the same as the last exec read whole");
  }

  @Test
  void theLeastRecentlyExecutedProcessIsForgottenPastTheCapacity() {
    ExecChanges changes = new ExecChanges(2);
    changes.at(T, exec(1, 10, "a", 0, CONTAINER_NS, List.of()), WEB);
    changes.at(T, exec(2, 20, "b", 0, CONTAINER_NS, List.of()), WEB);
    changes.at(T, exec(3, 30, "c", 0, CONTAINER_NS, List.of()), WEB);
    assertEquals(
        List.of(),
        changes.at(T, exec(1, 10, "a", 7, CONTAINER_NS, List.of()), WEB),
        "1 was forgotten");
    assertEquals(
        1, changes.at(T, exec(3, 30, "c", 7, CONTAINER_NS, List.of()), WEB).size(), "3 was kept");
  }
}

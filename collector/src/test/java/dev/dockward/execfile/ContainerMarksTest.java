package dev.dockward.execfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ContainerMarksTest {
  /** Each container's mounts by the pid they are seen through; what was asked, in order. */
  private final Map<Long, Set<Integer>> mountsOf = new HashMap<>();

  private final List<String> asked = new ArrayList<>();
  private final ContainerMarks marks =
      new ContainerMarks(
          (id, pid, marked) -> {
            asked.add(id + "@" + pid + " already " + new TreeSet<>(marked));
            return new HashSet<>(mountsOf.getOrDefault(pid, Set.of()));
          });

  @Test
  void aStartMarksTheContainersMountsOnceAndTheReconciliationFindsNothingToAdd() {
    mountsOf.put(4242L, Set.of(501, 502, 503));
    marks.started("web", 4242);
    marks.started("web", 4242); // heard again (the listing after a reconnection): already marked
    marks.reconcile(Map.of("web", 4242L));
    assertEquals(List.of("web@4242 already []", "web@4242 already [501, 502, 503]"), asked);
    assertEquals(3, marks.marks());
    assertEquals(3, marks.byEvent());
    assertEquals(0, marks.byReconcile());
    assertEquals(0, marks.missedStarts());
  }

  @Test
  void theReconciliationMarksAContainerWhoseStartWasNotHeardAndAMountAddedSince() {
    mountsOf.put(4242L, Set.of(501, 502));
    mountsOf.put(7373L, Set.of(601));
    marks.started("web", 4242);
    mountsOf.put(4242L, Set.of(501, 502, 509)); // mounted inside it since
    marks.reconcile(Map.of("web", 4242L, "db", 7373L));
    assertEquals(2, marks.byEvent());
    assertEquals(2, marks.byReconcile(), "db's one mount and web's new one");
    assertEquals(1, marks.missedStarts(), "db");
    assertEquals(4, marks.marks());
  }

  @Test
  void aRestartIsMarkedThroughItsNewInitAndAStoppedContainerIsForgotten() {
    mountsOf.put(4242L, Set.of(501, 502));
    mountsOf.put(4343L, Set.of(701, 702, 703));
    marks.started("web", 4242);
    marks.ended("web");
    assertEquals(0, marks.marks());
    marks.started("web", 4343);
    assertEquals(3, marks.marks());
    assertEquals(5, marks.byEvent());
    marks.reconcile(Map.of()); // nothing runs: forgotten even without its end heard
    assertEquals(0, marks.marks());
    assertEquals(0, marks.missedStarts());
  }

  @Test
  void aContainerWhoseInitEndedBeforeItWasMarkedHoldsNoMarkAndIsTriedAgainByThePass() {
    marks.started("oneshot", 9999); // no mount readable: it is gone
    assertEquals(0, marks.marks());
    mountsOf.put(9999L, Set.of(801));
    marks.reconcile(Map.of("oneshot", 9999L));
    assertEquals(1, marks.byReconcile());
    assertEquals(0, marks.missedStarts(), "its start was heard");
  }
}

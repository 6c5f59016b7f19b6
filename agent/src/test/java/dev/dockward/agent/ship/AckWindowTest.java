package dev.dockward.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AckWindowTest {
  @Test
  void outOfOrderAcknowledgementsCommitOnlyTheContiguousRun() {
    AckWindow w = new AckWindow(OptionalLong.empty());
    AckWindow.Slot a = w.open(101);
    AckWindow.Slot b = w.open(102);
    AckWindow.Slot c = w.open(105);
    assertFalse(w.acknowledge(c), "105 waits for 101 and 102");
    assertFalse(w.acknowledge(b));
    assertEquals(OptionalLong.empty(), w.committed());
    assertTrue(w.acknowledge(a));
    assertEquals(OptionalLong.of(105), w.committed(), "101 closes the gap: the whole run commits");
    assertTrue(w.isEmpty());
  }

  @Test
  void aFailedRecordHoldsBackEverythingAfterItUntilItIsAcknowledged() {
    AckWindow w = new AckWindow(OptionalLong.of(7));
    AckWindow.Slot first = w.open(8);
    AckWindow.Slot failing = w.open(9);
    AckWindow.Slot later = w.open(10);
    w.acknowledge(first);
    w.acknowledge(later);
    assertEquals(
        OptionalLong.of(8), w.committed(), "9 failed: 10 is acknowledged but not committed");
    assertEquals(2, w.size());
    w.acknowledge(failing); // the re-send succeeded
    assertEquals(OptionalLong.of(10), w.committed());
  }

  @Test
  void skippedRecordsCommitAtOnceButNotPastAnUnacknowledgedOne() {
    AckWindow w = new AckWindow(OptionalLong.empty());
    w.skip(1);
    assertEquals(OptionalLong.of(1), w.committed());
    AckWindow.Slot alert = w.open(2);
    w.skip(3);
    w.skip(4);
    assertEquals(OptionalLong.of(1), w.committed());
    w.acknowledge(alert);
    assertEquals(OptionalLong.of(4), w.committed());
  }

  @Test
  void aSecondAcknowledgementChangesNothing() {
    AckWindow w = new AckWindow(OptionalLong.empty());
    AckWindow.Slot a = w.open(1);
    AckWindow.Slot b = w.open(2);
    assertTrue(w.acknowledge(a));
    assertFalse(w.acknowledge(a));
    assertEquals(OptionalLong.of(1), w.committed());
    assertEquals(1, w.size());
    assertTrue(w.acknowledge(b));
  }

  @Test
  void indicesMustIncrease() {
    AckWindow w = new AckWindow(OptionalLong.empty());
    w.open(5);
    assertThrows(IllegalArgumentException.class, () -> w.open(5));
  }

  @Test
  void backoffDoublesUpToItsMaximumAndResets() {
    Backoff b = new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(350));
    assertEquals(100, b.next().toMillis());
    assertEquals(200, b.next().toMillis());
    assertEquals(350, b.next().toMillis());
    assertEquals(350, b.next().toMillis());
    b.reset();
    assertEquals(100, b.next().toMillis());
  }
}

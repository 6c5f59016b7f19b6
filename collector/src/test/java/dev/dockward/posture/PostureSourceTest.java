package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.Event;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import dev.dockward.event.PostureFindingChanged;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class PostureSourceTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC);

  private static PostureFinding finding(String id, String instance, String evidence) {
    return new PostureFinding(
        id,
        Optional.of("2.7"),
        FindingSeverity.CRITICAL,
        "s " + evidence,
        Map.of("e", evidence),
        "r",
        Optional.empty(),
        instance);
  }

  private static List<String> changes(List<Event> events) {
    return events.stream()
        .map(e -> (PostureFindingChanged) e)
        .map(c -> c.state().text() + " " + c.finding().id() + "/" + c.finding().instance())
        .toList();
  }

  @Test
  void opensResolvesAndNeverRepeats() throws InterruptedException {
    Deque<List<PostureFinding>> audits =
        new ArrayDeque<>(
            List.of(
                List.of(finding("a", "1", "x"), finding("b", "", "x")),
                List.of(
                    finding("a", "1", "y"),
                    finding("b", "", "x")), // same keys, other evidence: no change
                List.of(finding("b", "", "x"), finding("a", "2", "x")),
                List.of()));
    PostureSource source = new PostureSource(audits::removeFirst, Duration.ofMinutes(5), CLOCK);
    List<Event> out = new ArrayList<>();
    source.auditOnce(out::add);
    assertEquals(List.of("open a/1", "open b/"), changes(out));
    out.clear();
    source.auditOnce(out::add);
    assertEquals(List.of(), changes(out));
    source.auditOnce(out::add);
    assertEquals(List.of("resolved a/1", "open a/2"), changes(out));
    out.clear();
    source.auditOnce(out::add);
    assertEquals(List.of("resolved b/", "resolved a/2"), changes(out));
    assertEquals(4, source.audits());
  }

  @Test
  void auditsAtStartAndEveryIntervalUntilClosed() {
    List<Event> out = new CopyOnWriteArrayList<>();
    int[] calls = {0};
    PostureSource source =
        new PostureSource(
            () -> {
              calls[0]++;
              return calls[0] % 2 == 1 ? List.of(finding("flap", "", "x")) : List.of();
            },
            Duration.ofMillis(20),
            CLOCK);
    try {
      source.start(out::add);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < 4 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
    } finally {
      source.close();
    }
    assertEquals(
        List.of("open flap/", "resolved flap/", "open flap/", "resolved flap/"),
        changes(out).subList(0, 4));
  }

  @Test
  void aFailingAuditIsCountedAndTheNextOneRuns() throws InterruptedException {
    Deque<List<PostureFinding>> audits = new ArrayDeque<>(List.of(List.of(finding("a", "", "x"))));
    PostureSource source =
        new PostureSource(
            () -> {
              if (audits.isEmpty()) {
                throw new IllegalStateException("boom");
              }
              return audits.removeFirst();
            },
            Duration.ofMillis(10),
            CLOCK);
    List<Event> out = new CopyOnWriteArrayList<>();
    try {
      source.start(out::add);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (source.counters().get("audit_failures") < 2 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
    } finally {
      source.close();
    }
    assertEquals(List.of("open a/"), changes(out), "a failed audit resolves nothing");
  }

  @Test
  void aRequestAuditsWithoutWaitingForTheIntervalAndABurstGivesOneAudit() {
    List<Event> out = new CopyOnWriteArrayList<>();
    int[] calls = {0};
    PostureSource source =
        new PostureSource(
            () -> {
              calls[0]++;
              return calls[0] == 1 ? List.of() : List.of(finding("started", "", "x"));
            },
            Duration.ofHours(1),
            Duration.ofMillis(200),
            CLOCK);
    try {
      source.start(out::add);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (source.audits() < 1 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      for (int i = 0; i < 5; i++) {
        source.requestAudit("container start");
      }
      while (out.isEmpty() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
    } finally {
      source.close();
    }
    assertEquals(
        List.of("open started/"), changes(out), "the hour-long interval was not waited for");
    assertEquals(2, source.audits(), "five requests in a burst: one audit");
    assertEquals(1L, source.counters().get("requested_audits"));
  }
}
